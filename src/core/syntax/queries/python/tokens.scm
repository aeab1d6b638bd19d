; Roles of leaves; identifiers not captured here are resolved through the scopes.
(call function: (identifier) @call.function)
(call function: (attribute attribute: (identifier) @call.method))
(decorator (identifier) @call.function)
(attribute attribute: (identifier) @attribute)
(keyword_argument name: (identifier) @argument)
(type (identifier) @type)
(import_statement name: (dotted_name (identifier) @import.module))
(import_statement name: (aliased_import name: (dotted_name (identifier) @import.module)))
(import_from_statement module_name: (dotted_name (identifier) @import.module))
(import_from_statement module_name: (relative_import (dotted_name (identifier) @import.module)))
(import_from_statement name: (aliased_import name: (dotted_name (identifier) @import.library)))
(import_from_statement name: (dotted_name (identifier) @import.library))
(string) @string
(integer) @number
(float) @number
(comment) @comment
(true) @keyword
(false) @keyword
(none) @keyword
(decorator) @eos
