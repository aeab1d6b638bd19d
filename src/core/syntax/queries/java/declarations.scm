(class_declaration name: (identifier) @name) @declaration.class
(record_declaration name: (identifier) @name) @declaration.class
(interface_declaration name: (identifier) @name) @declaration.interface
(enum_declaration name: (identifier) @name) @declaration.enum
(method_declaration name: (identifier) @name) @declaration.function
(constructor_declaration name: (identifier) @name) @declaration.function
(field_declaration declarator: (variable_declarator name: (identifier) @name)) @declaration.attribute
(local_variable_declaration declarator: (variable_declarator name: (identifier) @name)) @declaration.variable
