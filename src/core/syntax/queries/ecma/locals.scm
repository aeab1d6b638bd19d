; Shared by JavaScript, TypeScript and TSX (patterns valid in all three grammars).
(function_declaration) @scope.function
(generator_function_declaration) @scope.function
(function_expression) @scope.function
(generator_function) @scope.function
(arrow_function) @scope.function
(method_definition) @scope.function
(class_declaration) @scope.class
(class) @scope.class

(arrow_function parameter: (identifier) @definition.parameter)
(function_declaration name: (identifier) @definition.function)
(generator_function_declaration name: (identifier) @definition.function)
(variable_declarator name: (identifier) @definition.variable)
(variable_declarator name: (object_pattern (shorthand_property_identifier_pattern) @definition.variable))
(variable_declarator name: (object_pattern (pair_pattern value: (identifier) @definition.variable)))
(variable_declarator name: (array_pattern (identifier) @definition.variable))
(variable_declarator name: (identifier) @definition.function value: [(arrow_function) (function_expression)])
(for_in_statement left: (identifier) @definition.variable)
(catch_clause parameter: (identifier) @definition.variable)
(function_expression name: (identifier) @definition.function)
