[
  (expression_statement) (let_declaration) (use_declaration) (extern_crate_declaration) (const_item) (static_item)
  (type_item) (mod_item) (function_signature_item) (field_declaration) (empty_statement)
] @statement.simple
[
  (function_item) (struct_item) (enum_item) (impl_item) (trait_item) (macro_definition) (block)
] @statement.compound
[(block) (declaration_list) (field_declaration_list) (enum_variant_list)] @block
