; inherits: ecma
(public_field_definition name: (property_identifier) @attribute)
(property_signature name: (property_identifier) @attribute)
(method_signature name: (property_identifier) @name.function)
(abstract_method_signature name: (property_identifier) @name.function)
