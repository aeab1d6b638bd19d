[
  (expression_statement) (short_var_declaration) (assignment_statement) (inc_statement) (dec_statement)
  (return_statement) (go_statement) (defer_statement) (break_statement) (continue_statement) (goto_statement)
  (send_statement) (var_declaration) (const_declaration) (import_declaration) (package_clause) (fallthrough_statement)
] @statement.simple
[
  (if_statement) (for_statement) (expression_switch_statement) (type_switch_statement) (select_statement)
  (labeled_statement) (block) (function_declaration) (method_declaration) (type_declaration)
] @statement.compound
[(block) (field_declaration_list) (interface_type)] @block
