(function_declaration name: (identifier) @name) @declaration.function
(method_declaration name: (field_identifier) @name) @declaration.method
(type_spec name: (type_identifier) @name type: (struct_type)) @declaration.class
(type_spec name: (type_identifier) @name type: (interface_type)) @declaration.interface
(type_spec name: (type_identifier) @name type: [(type_identifier) (qualified_type) (pointer_type) (slice_type) (map_type) (function_type) (array_type) (channel_type) (generic_type)]) @declaration.type
(const_declaration (const_spec name: (identifier) @name)) @declaration.constant
(var_declaration (var_spec name: (identifier) @name)) @declaration.variable
(field_declaration name: (field_identifier) @name) @declaration.attribute
