(call_expression function: (identifier) @call.function)
(call_expression function: (scoped_identifier name: (identifier) @call.function))
(call_expression function: (field_expression field: (field_identifier) @call.method))
(macro_invocation macro: (identifier) @call.function)
(field_expression field: (field_identifier) @attribute)
(use_declaration) @import.path
(use_as_clause path: (identifier) @import.library)
(function_signature_item name: (identifier) @name.function)
(primitive_type) @keyword
[(string_literal) (raw_string_literal) (char_literal)] @string
[(integer_literal) (float_literal)] @number
[(line_comment) (block_comment)] @comment
[(boolean_literal) (self) (crate) (super)] @keyword
