; inherits: ecma
(class_declaration name: (type_identifier) @name) @declaration.class
(abstract_class_declaration name: (type_identifier) @name) @declaration.class
(interface_declaration name: (type_identifier) @name) @declaration.interface
(type_alias_declaration name: (type_identifier) @name) @declaration.type
(enum_declaration name: (identifier) @name) @declaration.enum
(public_field_definition name: (property_identifier) @name) @declaration.attribute
(function_signature name: (identifier) @name) @declaration.function
(abstract_method_signature name: (property_identifier) @name) @declaration.function
(class_body (method_signature name: (property_identifier) @name) @declaration.function)
