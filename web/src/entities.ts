// Declarative description of the master-data entities. The list, detail and
// form pages are generic and driven by these specs.

import type { Key } from './i18n';

export type FieldKind =
  | 'text'      // free text
  | 'digits'    // text made of digits only (GTIN, HS code): kept as a string
  | 'code2'     // upper-case two-letter code (ISO 3166 alpha-2)
  | 'code3'     // upper-case three-letter code (ISO 4217)
  | 'email'
  | 'textarea'
  | 'int'
  | 'number'
  | 'select'
  | 'bool';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Values of a select; labels come from the i18n table as `opt.<name>.<value>`. */
  options?: readonly string[];
  required?: boolean;
  /** Only settable when creating (read-only afterwards). */
  createOnly?: boolean;
  /** Value prefilled on the create form. */
  initial?: string | number | boolean;
  /** Short hint shown under the input (i18n key). */
  hint?: Key;
  /** Section of the form (i18n key). */
  group: Key;
  /** Take the whole row of the form grid. */
  wide?: boolean;
}

export interface FilterSpec {
  name: string;
  kind: 'select' | 'code2' | 'bool';
  options?: readonly string[];
}

export interface ColumnSpec {
  name: string;
  kind?: 'status' | 'time' | 'option' | 'bool';
}

export interface EntitySpec {
  /** Path segment under /api/v1 and in the hash route. */
  path: string;
  /** Name used by the CSV endpoints, when the entity has them. */
  csv?: { export: string; import?: string };
  title: Key;
  singular: Key;
  fields: FieldSpec[];
  columns: ColumnSpec[];
  filters: FilterSpec[];
}

export const SKU_CATEGORIES = [
  'maternal_infant', 'cosmetics', 'clothing', 'daily_necessities', 'electronics', 'food_health', 'other',
] as const;

export const SKU: EntitySpec = {
  path: 'skus',
  csv: { export: 'skus.csv', import: 'skus' },
  title: 'nav.skus',
  singular: 'entity.sku',
  fields: [
    { name: 'code', kind: 'text', required: true, createOnly: true, group: 'group.identity' },
    { name: 'name', kind: 'text', required: true, group: 'group.identity' },
    { name: 'gtin', kind: 'digits', hint: 'hint.gtin', group: 'group.identity' },
    { name: 'brand_id', kind: 'int', hint: 'hint.brand_id', group: 'group.identity' },
    { name: 'category', kind: 'select', options: SKU_CATEGORIES, required: true, initial: 'other', group: 'group.identity' },
    { name: 'origin_country', kind: 'code2', required: true, hint: 'hint.country', group: 'group.identity' },
    { name: 'hs_code', kind: 'digits', required: true, hint: 'hint.hs_code', group: 'group.customs' },
    { name: 'vat_class', kind: 'select', options: ['standard', 'reduced'], required: true, initial: 'standard', group: 'group.customs' },
    { name: 'consumption_tax_class', kind: 'select', options: ['none', 'high_end_cosmetics'], required: true, initial: 'none', group: 'group.customs' },
    { name: 'legal_unit', kind: 'select', options: ['g', 'kg', 'ml', 'l', 'piece'], required: true, initial: 'piece', group: 'group.customs' },
    { name: 'legal_quantity', kind: 'number', required: true, initial: 1, hint: 'hint.legal_quantity', group: 'group.customs' },
    { name: 'positive_list', kind: 'bool', initial: true, hint: 'hint.positive_list', group: 'group.customs' },
    { name: 'weight_g', kind: 'int', required: true, initial: 0, group: 'group.logistics' },
    { name: 'length_mm', kind: 'int', required: true, initial: 0, group: 'group.logistics' },
    { name: 'width_mm', kind: 'int', required: true, initial: 0, group: 'group.logistics' },
    { name: 'height_mm', kind: 'int', required: true, initial: 0, group: 'group.logistics' },
    { name: 'shelf_life_days', kind: 'int', hint: 'hint.optional', group: 'group.logistics' },
  ],
  columns: [
    { name: 'code' }, { name: 'name' }, { name: 'category', kind: 'option' }, { name: 'hs_code' },
    { name: 'gtin' }, { name: 'origin_country' }, { name: 'status', kind: 'status' }, { name: 'updated_at', kind: 'time' },
  ],
  filters: [
    { name: 'category', kind: 'select', options: SKU_CATEGORIES },
    { name: 'positive_list', kind: 'bool' },
  ],
};

export const SUPPLIER: EntitySpec = {
  path: 'suppliers',
  csv: { export: 'suppliers.csv' },
  title: 'nav.suppliers',
  singular: 'entity.supplier',
  fields: [
    { name: 'code', kind: 'text', required: true, createOnly: true, group: 'group.identity' },
    { name: 'name', kind: 'text', required: true, group: 'group.identity' },
    { name: 'kind', kind: 'select', options: ['manufacturer', 'distributor', 'authorised_agent'], required: true, initial: 'manufacturer', group: 'group.identity' },
    { name: 'country', kind: 'code2', required: true, hint: 'hint.country', group: 'group.identity' },
    { name: 'currency', kind: 'code3', required: true, hint: 'hint.currency', group: 'group.commercial' },
    { name: 'payment_terms_days', kind: 'int', required: true, initial: 30, group: 'group.commercial' },
    { name: 'contact_name', kind: 'text', group: 'group.contact' },
    { name: 'contact_email', kind: 'email', group: 'group.contact' },
  ],
  columns: [
    { name: 'code' }, { name: 'name' }, { name: 'kind', kind: 'option' }, { name: 'country' },
    { name: 'currency' }, { name: 'status', kind: 'status' }, { name: 'updated_at', kind: 'time' },
  ],
  filters: [
    { name: 'kind', kind: 'select', options: ['manufacturer', 'distributor', 'authorised_agent'] },
    { name: 'country', kind: 'code2' },
  ],
};

export const WAREHOUSE: EntitySpec = {
  path: 'warehouses',
  title: 'nav.warehouses',
  singular: 'entity.warehouse',
  fields: [
    { name: 'code', kind: 'text', required: true, createOnly: true, group: 'group.identity' },
    { name: 'name', kind: 'text', required: true, group: 'group.identity' },
    { name: 'kind', kind: 'select', options: ['overseas', 'bonded', 'domestic', 'transit'], required: true, initial: 'bonded', group: 'group.identity' },
    { name: 'country', kind: 'code2', required: true, hint: 'hint.country', group: 'group.identity' },
    { name: 'operator', kind: 'select', options: ['self', '3pl'], required: true, initial: 'self', group: 'group.operation' },
    { name: 'operator_name', kind: 'text', group: 'group.operation' },
    { name: 'customs_area_code', kind: 'text', hint: 'hint.optional', group: 'group.operation' },
    { name: 'account_book_no', kind: 'text', hint: 'hint.optional', group: 'group.operation' },
    { name: 'address', kind: 'textarea', group: 'group.operation', wide: true },
  ],
  columns: [
    { name: 'code' }, { name: 'name' }, { name: 'kind', kind: 'option' }, { name: 'country' },
    { name: 'operator', kind: 'option' }, { name: 'status', kind: 'status' }, { name: 'updated_at', kind: 'time' },
  ],
  filters: [
    { name: 'kind', kind: 'select', options: ['overseas', 'bonded', 'domestic', 'transit'] },
    { name: 'operator', kind: 'select', options: ['self', '3pl'] },
    { name: 'country', kind: 'code2' },
  ],
};

export const BIN_FIELDS: FieldSpec[] = [
  { name: 'code', kind: 'text', required: true, createOnly: true, group: 'group.identity' },
  { name: 'zone', kind: 'text', required: true, group: 'group.identity' },
  { name: 'kind', kind: 'select', options: ['storage', 'pick', 'receiving', 'shipping', 'quarantine'], required: true, initial: 'storage', group: 'group.identity' },
  { name: 'capacity_units', kind: 'int', required: true, initial: 0, group: 'group.identity' },
];

export const ENTITIES: EntitySpec[] = [SKU, SUPPLIER, WAREHOUSE];

export function entityByPath(path: string): EntitySpec | undefined {
  return ENTITIES.find((e) => e.path === path);
}
