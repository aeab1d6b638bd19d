(import_statement) @import
(export_statement source: (_)) @import
(call_expression function: (identifier) @_require arguments: (arguments . (string)) (#eq? @_require "require")) @require
(call_expression function: (import) arguments: (arguments . (string))) @dynamic
