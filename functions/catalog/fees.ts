/** Named fee rules: the amount depends on the case, and the procedure's `fee` is the base shown. */
export const feeRules = {
  electricity_bill: {
    name: 'Theo hóa đơn tiền điện của kỳ thanh toán (biểu giá bán lẻ điện hiện hành)',
    nameEn: "The amount of the period's electricity bill (current retail tariff)",
  },
  tax_declared: {
    name: 'Theo số thuế doanh nghiệp đã kê khai hoặc được thông báo',
    nameEn: 'The tax the enterprise declared or was assessed',
  },
  provincial_council_rate: {
    name: 'Theo nghị quyết của Hội đồng nhân dân cấp tỉnh; mức hiển thị là mức phổ biến',
    nameEn: "Set by the provincial People's Council; the amount shown is the common rate",
  },
} as const satisfies Record<string, { name: string; nameEn: string }>;

export function findFeeRule(id: string) {
  return Object.hasOwn(feeRules, id) ? { id, ...feeRules[id as keyof typeof feeRules] } : undefined;
}
