; inherits: ecma
(formal_parameters (identifier) @definition.parameter)
(formal_parameters (assignment_pattern left: (identifier) @definition.parameter))
(formal_parameters (rest_pattern (identifier) @definition.parameter))
(formal_parameters (object_pattern (shorthand_property_identifier_pattern) @definition.parameter))
(class_declaration name: (identifier) @definition.class)
