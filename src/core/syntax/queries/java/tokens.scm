(method_invocation !object name: (identifier) @call.function)
(method_invocation object: (_) name: (identifier) @call.method)
(field_access field: (identifier) @attribute)
(object_creation_expression type: (type_identifier) @type)
(method_declaration name: (identifier) @name.function)
(constructor_declaration name: (identifier) @name.function)
(import_declaration (scoped_identifier) @import.path)
(package_declaration (_) @import.path)
(void_type) @keyword
[(string_literal) (character_literal)] @string
[(decimal_integer_literal) (hex_integer_literal) (octal_integer_literal) (binary_integer_literal) (decimal_floating_point_literal) (hex_floating_point_literal)] @number
[(line_comment) (block_comment)] @comment
[(true) (false) (null_literal) (this) (super)] @keyword
