(function_definition name: (identifier) @name) @declaration.function
(class_definition name: (identifier) @name) @declaration.class
(expression_statement (assignment left: (identifier) @name)) @declaration.variable
(expression_statement (assignment left: (pattern_list (identifier) @name))) @declaration.variable
(expression_statement
  (assignment left: (attribute object: (identifier) @_self attribute: (identifier) @name))
  (#eq? @_self "self")) @declaration.attribute
