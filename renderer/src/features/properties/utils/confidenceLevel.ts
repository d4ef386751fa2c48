// The confidence score (0–100: the share of similar validation valuations that landed within 10% of the
// sale price) read at a glance. Bands follow the calibration: the surest eighth of valuations scores ~80,
// the least sure ~37.

export type ConfidenceLevel = { label: 'High' | 'Medium' | 'Low'; color: 'teal' | 'yellow' | 'red'; explanation: string };

export function confidenceLevel(confidence: number): ConfidenceLevel {
  const explanation = `${confidence} in 100 valuations like this one were within 10% of the price the home sold for.`;
  if (confidence >= 70) return { label: 'High', color: 'teal', explanation };
  if (confidence >= 50) return { label: 'Medium', color: 'yellow', explanation };
  return { label: 'Low', color: 'red', explanation };
}
