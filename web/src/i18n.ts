// UI strings in English (default) and Simplified Chinese.
// `zh` is typed against `en`, so a missing translation fails the type check.

const en = {
  'app.title': 'xborder console',
  'app.brand': 'xborder',
  'lang.label': 'Language',

  'signin.title': 'Sign in',
  'signin.lead': 'Cross-border import supply chain console',
  'signin.key': 'API key',
  'signin.keyHint': 'Paste the API key issued to you. It is kept only for this browser tab.',
  'signin.submit': 'Sign in',
  'signin.checking': 'Checking…',
  'signin.empty': 'Enter an API key.',
  'signin.expired': 'Your key was not accepted any more. Sign in again.',

  'shell.signout': 'Sign out',
  'shell.menu': 'Menu',
  'shell.role': 'Role: {role}',

  'nav.masterData': 'Master data',
  'nav.modules': 'Operations',
  'nav.skus': 'SKUs',
  'nav.suppliers': 'Suppliers',
  'nav.warehouses': 'Warehouses',
  'nav.supplierEval': 'Supplier evaluation',
  'nav.procurement': 'Procurement',
  'nav.inventory': 'Inventory',
  'nav.warehouseOps': 'Warehouse ops',
  'nav.orders': 'Orders & customs',
  'nav.tracking': 'Tracking',
  'nav.planning': 'Planning',
  'nav.modeStrategy': 'Mode strategy',
  'nav.coming': 'coming',

  'entity.sku': 'SKU',
  'entity.supplier': 'supplier',
  'entity.warehouse': 'warehouse',

  'list.search': 'Search code or name',
  'list.searchBtn': 'Search',
  'list.status': 'Status',
  'list.any': 'Any',
  'list.yes': 'Yes',
  'list.no': 'No',
  'list.new': 'New {entity}',
  'list.empty': 'Nothing found.',
  'list.range': '{from}–{to} of {total}',
  'list.rangeEmpty': '0 of {total}',
  'list.prev': 'Previous',
  'list.next': 'Next',
  'list.loading': 'Loading…',
  'list.export': 'Export CSV',
  'list.import': 'Import CSV',
  'list.reset': 'Reset',

  'status.active': 'Active',
  'status.archived': 'Archived',
  'status.all': 'All',

  'csv.imported': 'Imported {n} rows.',
  'csv.failed': 'Import failed; nothing was imported.',
  'csv.line': 'Line',
  'csv.column': 'Column',
  'csv.reason': 'Reason',
  'csv.exported': 'Downloaded {file}.',

  'detail.new': 'New {entity}',
  'detail.save': 'Save',
  'detail.create': 'Create',
  'detail.back': 'Back to list',
  'detail.archive': 'Archive',
  'detail.archiveConfirm': 'Archive {code}? It stays in history but is no longer active.',
  'detail.saved': 'Saved.',
  'detail.created': 'Created.',
  'detail.archived': 'Archived.',
  'detail.noChanges': 'No changes to save.',
  'detail.conflict': 'Someone else changed this record since you opened it. Reload to see the current version.',
  'detail.reload': 'Reload',
  'detail.meta': 'Version {version} · created {created} · updated {updated}',

  'form.fixErrors': 'Please correct the marked fields.',
  'form.required': 'Required.',
  'form.int': 'Enter a whole number.',
  'form.number': 'Enter a number.',

  'history.title': 'History',
  'history.empty': 'No history yet.',
  'history.by': 'by {actor}',

  'bins.title': 'Bins',
  'bins.add': 'Add bin',
  'bins.empty': 'No bins yet.',
  'bins.edit': 'Edit',
  'bins.save': 'Save bin',
  'bins.cancel': 'Cancel',
  'bins.added': 'Bin {code} added.',
  'bins.saved': 'Bin {code} saved.',
  'bins.editing': 'Edit bin {code}',

  'group.identity': 'General',
  'group.customs': 'Customs & tax',
  'group.logistics': 'Logistics',
  'group.commercial': 'Commercial terms',
  'group.contact': 'Contact',
  'group.operation': 'Operation',

  'field.code': 'Code',
  'field.name': 'Name',
  'field.gtin': 'GTIN',
  'field.brand_id': 'Brand ID',
  'field.category': 'Category',
  'field.origin_country': 'Country of origin',
  'field.hs_code': 'HS code',
  'field.vat_class': 'VAT class',
  'field.consumption_tax_class': 'Consumption tax class',
  'field.legal_unit': 'Legal unit',
  'field.legal_quantity': 'Legal quantity',
  'field.positive_list': 'Positive list',
  'field.weight_g': 'Weight (g)',
  'field.length_mm': 'Length (mm)',
  'field.width_mm': 'Width (mm)',
  'field.height_mm': 'Height (mm)',
  'field.shelf_life_days': 'Shelf life (days)',
  'field.kind': 'Kind',
  'field.country': 'Country',
  'field.currency': 'Currency',
  'field.payment_terms_days': 'Payment terms (days)',
  'field.contact_name': 'Contact name',
  'field.contact_email': 'Contact email',
  'field.operator': 'Operator',
  'field.operator_name': 'Operator name',
  'field.customs_area_code': 'Customs area code',
  'field.account_book_no': 'Account book no.',
  'field.address': 'Address',
  'field.zone': 'Zone',
  'field.capacity_units': 'Capacity (units)',
  'field.status': 'Status',
  'field.updated_at': 'Updated',
  'field.created_at': 'Created',

  'hint.gtin': '8, 12, 13 or 14 digits with check digit; optional',
  'hint.brand_id': 'Optional',
  'hint.country': 'ISO 3166 code, e.g. AU',
  'hint.currency': 'ISO 4217 code, e.g. EUR',
  'hint.hs_code': '8 or 10 digits',
  'hint.legal_quantity': 'Legal units per SKU unit',
  'hint.positive_list': 'On the cross-border e-commerce retail import positive list',
  'hint.optional': 'Optional',

  'opt.category.maternal_infant': 'Maternal & infant',
  'opt.category.cosmetics': 'Cosmetics',
  'opt.category.clothing': 'Clothing',
  'opt.category.daily_necessities': 'Daily necessities',
  'opt.category.electronics': 'Electronics',
  'opt.category.food_health': 'Food & health',
  'opt.category.other': 'Other',
  'opt.vat_class.standard': 'Standard',
  'opt.vat_class.reduced': 'Reduced',
  'opt.consumption_tax_class.none': 'None',
  'opt.consumption_tax_class.high_end_cosmetics': 'High-end cosmetics',
  'opt.legal_unit.g': 'g',
  'opt.legal_unit.kg': 'kg',
  'opt.legal_unit.ml': 'ml',
  'opt.legal_unit.l': 'l',
  'opt.legal_unit.piece': 'piece',
  'opt.kind.manufacturer': 'Manufacturer',
  'opt.kind.distributor': 'Distributor',
  'opt.kind.authorised_agent': 'Authorised agent',
  'opt.kind.overseas': 'Overseas',
  'opt.kind.bonded': 'Bonded',
  'opt.kind.domestic': 'Domestic',
  'opt.kind.transit': 'Transit',
  'opt.kind.storage': 'Storage',
  'opt.kind.pick': 'Pick',
  'opt.kind.receiving': 'Receiving',
  'opt.kind.shipping': 'Shipping',
  'opt.kind.quarantine': 'Quarantine',
  'opt.operator.self': 'Self-operated',
  'opt.operator.3pl': '3PL',
  'opt.status.active': 'Active',
  'opt.status.archived': 'Archived',

  'error.network': 'Cannot reach the server: {message}',
  'error.forbidden': 'Your key\'s role may not do this: {message}',
  'error.notFoundPage': 'Page not found.',

  'coming.title': '{module}',
  'coming.body': 'This module is being built. Master data is available now.',
} as const;

export type Key = keyof typeof en;
export type Lang = 'en' | 'zh';

const zh: Record<Key, string> = {
  'app.title': 'xborder 控制台',
  'app.brand': 'xborder',
  'lang.label': '语言',

  'signin.title': '登录',
  'signin.lead': '跨境进口供应链控制台',
  'signin.key': 'API 密钥',
  'signin.keyHint': '粘贴分配给您的 API 密钥。密钥仅保存在当前浏览器标签页中。',
  'signin.submit': '登录',
  'signin.checking': '正在验证…',
  'signin.empty': '请输入 API 密钥。',
  'signin.expired': '密钥已失效，请重新登录。',

  'shell.signout': '退出登录',
  'shell.menu': '菜单',
  'shell.role': '角色：{role}',

  'nav.masterData': '主数据',
  'nav.modules': '业务模块',
  'nav.skus': '商品 SKU',
  'nav.suppliers': '供应商',
  'nav.warehouses': '仓库',
  'nav.supplierEval': '供应商评估',
  'nav.procurement': '采购',
  'nav.inventory': '库存',
  'nav.warehouseOps': '仓内作业',
  'nav.orders': '订单与清关',
  'nav.tracking': '物流跟踪',
  'nav.planning': '计划',
  'nav.modeStrategy': '模式策略',
  'nav.coming': '即将推出',

  'entity.sku': 'SKU',
  'entity.supplier': '供应商',
  'entity.warehouse': '仓库',

  'list.search': '搜索编码或名称',
  'list.searchBtn': '搜索',
  'list.status': '状态',
  'list.any': '全部',
  'list.yes': '是',
  'list.no': '否',
  'list.new': '新建{entity}',
  'list.empty': '没有找到记录。',
  'list.range': '第 {from}–{to} 条，共 {total} 条',
  'list.rangeEmpty': '共 {total} 条',
  'list.prev': '上一页',
  'list.next': '下一页',
  'list.loading': '加载中…',
  'list.export': '导出 CSV',
  'list.import': '导入 CSV',
  'list.reset': '重置',

  'status.active': '启用',
  'status.archived': '已归档',
  'status.all': '全部',

  'csv.imported': '已导入 {n} 行。',
  'csv.failed': '导入失败，未导入任何数据。',
  'csv.line': '行',
  'csv.column': '列',
  'csv.reason': '原因',
  'csv.exported': '已下载 {file}。',

  'detail.new': '新建{entity}',
  'detail.save': '保存',
  'detail.create': '创建',
  'detail.back': '返回列表',
  'detail.archive': '归档',
  'detail.archiveConfirm': '确定归档 {code}？归档后保留历史记录，但不再启用。',
  'detail.saved': '已保存。',
  'detail.created': '已创建。',
  'detail.archived': '已归档。',
  'detail.noChanges': '没有需要保存的修改。',
  'detail.conflict': '此记录在您打开后已被他人修改。请重新加载以查看最新版本。',
  'detail.reload': '重新加载',
  'detail.meta': '版本 {version} · 创建于 {created} · 更新于 {updated}',

  'form.fixErrors': '请更正标记的字段。',
  'form.required': '必填。',
  'form.int': '请输入整数。',
  'form.number': '请输入数字。',

  'history.title': '变更历史',
  'history.empty': '暂无历史记录。',
  'history.by': '操作者 {actor}',

  'bins.title': '库位',
  'bins.add': '添加库位',
  'bins.empty': '暂无库位。',
  'bins.edit': '编辑',
  'bins.save': '保存库位',
  'bins.cancel': '取消',
  'bins.added': '库位 {code} 已添加。',
  'bins.saved': '库位 {code} 已保存。',
  'bins.editing': '编辑库位 {code}',

  'group.identity': '基本信息',
  'group.customs': '海关与税务',
  'group.logistics': '物流',
  'group.commercial': '商务条款',
  'group.contact': '联系方式',
  'group.operation': '运营',

  'field.code': '编码',
  'field.name': '名称',
  'field.gtin': 'GTIN 条码',
  'field.brand_id': '品牌 ID',
  'field.category': '品类',
  'field.origin_country': '原产国',
  'field.hs_code': 'HS 编码',
  'field.vat_class': '增值税类别',
  'field.consumption_tax_class': '消费税类别',
  'field.legal_unit': '法定计量单位',
  'field.legal_quantity': '法定数量',
  'field.positive_list': '正面清单',
  'field.weight_g': '重量（克）',
  'field.length_mm': '长（毫米）',
  'field.width_mm': '宽（毫米）',
  'field.height_mm': '高（毫米）',
  'field.shelf_life_days': '保质期（天）',
  'field.kind': '类型',
  'field.country': '国家/地区',
  'field.currency': '币种',
  'field.payment_terms_days': '账期（天）',
  'field.contact_name': '联系人',
  'field.contact_email': '联系邮箱',
  'field.operator': '运营方',
  'field.operator_name': '运营方名称',
  'field.customs_area_code': '关区代码',
  'field.account_book_no': '账册编号',
  'field.address': '地址',
  'field.zone': '库区',
  'field.capacity_units': '容量（件）',
  'field.status': '状态',
  'field.updated_at': '更新时间',
  'field.created_at': '创建时间',

  'hint.gtin': '8、12、13 或 14 位数字，含校验位；选填',
  'hint.brand_id': '选填',
  'hint.country': 'ISO 3166 代码，如 AU',
  'hint.currency': 'ISO 4217 代码，如 EUR',
  'hint.hs_code': '8 位或 10 位数字',
  'hint.legal_quantity': '每个 SKU 单位对应的法定数量',
  'hint.positive_list': '列入跨境电商零售进口商品清单',
  'hint.optional': '选填',

  'opt.category.maternal_infant': '母婴',
  'opt.category.cosmetics': '美妆个护',
  'opt.category.clothing': '服装',
  'opt.category.daily_necessities': '日用品',
  'opt.category.electronics': '数码电子',
  'opt.category.food_health': '食品保健',
  'opt.category.other': '其他',
  'opt.vat_class.standard': '标准税率',
  'opt.vat_class.reduced': '低税率',
  'opt.consumption_tax_class.none': '无',
  'opt.consumption_tax_class.high_end_cosmetics': '高档化妆品',
  'opt.legal_unit.g': '克',
  'opt.legal_unit.kg': '千克',
  'opt.legal_unit.ml': '毫升',
  'opt.legal_unit.l': '升',
  'opt.legal_unit.piece': '件',
  'opt.kind.manufacturer': '生产商',
  'opt.kind.distributor': '经销商',
  'opt.kind.authorised_agent': '授权代理',
  'opt.kind.overseas': '海外仓',
  'opt.kind.bonded': '保税仓',
  'opt.kind.domestic': '国内仓',
  'opt.kind.transit': '中转仓',
  'opt.kind.storage': '存储位',
  'opt.kind.pick': '拣货位',
  'opt.kind.receiving': '收货区',
  'opt.kind.shipping': '发货区',
  'opt.kind.quarantine': '隔离区',
  'opt.operator.self': '自营',
  'opt.operator.3pl': '第三方（3PL）',
  'opt.status.active': '启用',
  'opt.status.archived': '已归档',

  'error.network': '无法连接服务器：{message}',
  'error.forbidden': '当前密钥的角色无权执行此操作：{message}',
  'error.notFoundPage': '页面不存在。',

  'coming.title': '{module}',
  'coming.body': '该模块正在建设中，目前可使用主数据功能。',
};

const TABLES: Record<Lang, Record<Key, string>> = { en, zh };
const LANG_STORAGE = 'xb.lang';

let current: Lang = loadLang();

function loadLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_STORAGE);
    if (stored === 'en' || stored === 'zh') return stored;
  } catch {
    // storage unavailable: use the default
  }
  return 'en';
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(LANG_STORAGE, next);
  } catch {
    // ignore
  }
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  document.title = t('app.title');
}

function fill(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function t(key: Key, params?: Record<string, string | number>): string {
  return fill(TABLES[current][key] ?? en[key] ?? key, params);
}

/** Look up a key built at run time (e.g. an option label); falls back to `fallback`. */
export function tDynamic(key: string, fallback: string): string {
  const table = TABLES[current] as Record<string, string>;
  return table[key] ?? (en as Record<string, string>)[key] ?? fallback;
}

export function isKey(key: string): key is Key {
  return key in en;
}

export function optionLabel(field: string, value: string): string {
  return tDynamic(`opt.${field}.${value}`, value);
}

export function fieldLabel(field: string): string {
  return tDynamic(`field.${field}`, field);
}
