; Scopes and the names bound in them. Imports are bound from the imports query.
(function_definition) @scope.function
(lambda) @scope.function
(list_comprehension) @scope.function
(dictionary_comprehension) @scope.function
(set_comprehension) @scope.function
(generator_expression) @scope.function
(class_definition) @scope.class

(parameters (identifier) @definition.parameter)
(lambda_parameters (identifier) @definition.parameter)
(default_parameter name: (identifier) @definition.parameter)
(typed_parameter (identifier) @definition.parameter)
(typed_default_parameter name: (identifier) @definition.parameter)
(parameters (list_splat_pattern (identifier) @definition.parameter))
(parameters (dictionary_splat_pattern (identifier) @definition.parameter))
(lambda_parameters (list_splat_pattern (identifier) @definition.parameter))
(lambda_parameters (dictionary_splat_pattern (identifier) @definition.parameter))
(typed_parameter (list_splat_pattern (identifier) @definition.parameter))
(typed_parameter (dictionary_splat_pattern (identifier) @definition.parameter))

(function_definition name: (identifier) @definition.function)
(class_definition name: (identifier) @definition.class)

(assignment left: (identifier) @definition.variable)
(assignment left: (pattern_list (identifier) @definition.variable))
(assignment left: (tuple_pattern (identifier) @definition.variable))
(assignment left: (pattern_list (list_splat_pattern (identifier) @definition.variable)))
(augmented_assignment left: (identifier) @definition.variable)
(for_statement left: (identifier) @definition.variable)
(for_statement left: (pattern_list (identifier) @definition.variable))
(for_statement left: (tuple_pattern (identifier) @definition.variable))
(for_in_clause left: (identifier) @definition.variable)
(for_in_clause left: (pattern_list (identifier) @definition.variable))
(as_pattern alias: (as_pattern_target (identifier) @definition.variable))
(named_expression name: (identifier) @definition.variable)
