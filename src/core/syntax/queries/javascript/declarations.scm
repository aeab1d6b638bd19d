; inherits: ecma
(class_declaration name: (identifier) @name) @declaration.class
(field_definition property: (property_identifier) @name) @declaration.attribute
