[
  (expression_statement) (local_variable_declaration) (return_statement) (throw_statement) (break_statement)
  (continue_statement) (yield_statement) (assert_statement) (empty_statement) (import_declaration)
  (package_declaration) (field_declaration) (explicit_constructor_invocation)
] @statement.simple
[
  (if_statement) (for_statement) (enhanced_for_statement) (while_statement) (do_statement) (try_statement)
  (try_with_resources_statement) (switch_expression) (synchronized_statement) (labeled_statement) (block)
  (class_declaration) (interface_declaration) (enum_declaration) (record_declaration) (method_declaration)
  (constructor_declaration)
] @statement.compound
[(block) (class_body) (interface_body) (enum_body) (constructor_body) (switch_block)] @block
