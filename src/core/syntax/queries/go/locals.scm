[(function_declaration) (method_declaration) (func_literal)] @scope.function
(parameter_declaration name: (identifier) @definition.parameter)
(variadic_parameter_declaration name: (identifier) @definition.parameter)
(short_var_declaration left: (expression_list (identifier) @definition.variable))
(var_spec name: (identifier) @definition.variable)
(const_spec name: (identifier) @definition.variable)
(range_clause left: (expression_list (identifier) @definition.variable))
(function_declaration name: (identifier) @definition.function)
(type_spec name: (type_identifier) @definition.class)
