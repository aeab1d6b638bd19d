(call_expression function: (identifier) @call.function)
(call_expression function: (member_expression property: (property_identifier) @call.method))
(new_expression constructor: (identifier) @type)
(member_expression property: (property_identifier) @attribute)
(pair key: (property_identifier) @attribute)
(method_definition name: (property_identifier) @name.function)
(import_specifier name: (identifier) @import.library)
(export_specifier name: (identifier) @import.library)
[(string) (template_string) (regex)] @string
(number) @number
(comment) @comment
[(true) (false) (null) (undefined) (this) (super)] @keyword
