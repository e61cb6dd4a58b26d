// The parcel's weight for rating and labels: 500 g per unit. Real catalogs would carry item weights.

const gramsPerUnit = 500;

export const parcelWeightGrams = (lines: ReadonlyArray<{ quantity: number }>): number =>
  lines.reduce((sum, line) => sum + line.quantity * gramsPerUnit, 0);
