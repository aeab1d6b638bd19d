(function_declaration name: (identifier) @name) @declaration.function
(generator_function_declaration name: (identifier) @name) @declaration.function
(method_definition name: (property_identifier) @name) @declaration.function
(variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @declaration.function
(lexical_declaration kind: "const" (variable_declarator name: (identifier) @name)) @declaration.constant
(lexical_declaration kind: "let" (variable_declarator name: (identifier) @name)) @declaration.variable
(variable_declaration (variable_declarator name: (identifier) @name)) @declaration.variable
(expression_statement
  (assignment_expression left: (member_expression object: (this) property: (property_identifier) @name))) @declaration.attribute
