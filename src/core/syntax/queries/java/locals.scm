[(method_declaration) (constructor_declaration) (lambda_expression)] @scope.function
[(class_declaration) (interface_declaration) (enum_declaration) (record_declaration)] @scope.class
(formal_parameter name: (identifier) @definition.parameter)
(spread_parameter (variable_declarator name: (identifier) @definition.parameter))
(lambda_expression parameters: (identifier) @definition.parameter)
(inferred_parameters (identifier) @definition.parameter)
(local_variable_declaration declarator: (variable_declarator name: (identifier) @definition.variable))
(field_declaration declarator: (variable_declarator name: (identifier) @definition.variable))
(enhanced_for_statement name: (identifier) @definition.variable)
(catch_formal_parameter name: (identifier) @definition.variable)
(method_declaration name: (identifier) @definition.function)
[(class_declaration name: (identifier) @definition.class) (interface_declaration name: (identifier) @definition.class) (enum_declaration name: (identifier) @definition.class) (record_declaration name: (identifier) @definition.class)]
