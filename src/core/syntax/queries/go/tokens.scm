(call_expression function: (identifier) @call.function)
(call_expression function: (selector_expression field: (field_identifier) @call.method))
(selector_expression field: (field_identifier) @attribute)
(method_declaration name: (field_identifier) @name.function)
(package_clause (package_identifier) @import.module)
[(interpreted_string_literal) (raw_string_literal) (rune_literal)] @string
[(int_literal) (float_literal) (imaginary_literal)] @number
(comment) @comment
[(true) (false) (nil) (iota)] @keyword
