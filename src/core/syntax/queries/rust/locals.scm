[(function_item) (closure_expression)] @scope.function
[(impl_item) (trait_item)] @scope.class
(parameter pattern: (identifier) @definition.parameter)
(self_parameter (self) @definition.parameter)
(closure_parameters (identifier) @definition.parameter)
(let_declaration pattern: (identifier) @definition.variable)
(for_expression pattern: (identifier) @definition.variable)
(const_item name: (identifier) @definition.variable)
(static_item name: (identifier) @definition.variable)
(function_item name: (identifier) @definition.function)
[(struct_item name: (type_identifier) @definition.class) (enum_item name: (type_identifier) @definition.class) (trait_item name: (type_identifier) @definition.class)]
