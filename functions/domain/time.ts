// Business durations. Every duration the workflow reasons about is a number of business days; one day lasts
// `daySeconds` (86,400 in AWS, ORDERFLOW_DAY_SECONDS locally) so a laptop can run a five-day delivery in a minute.

export interface BusinessClock {
  now(): Date;
  daySeconds: number;
}

export const addDays = (from: Date | string, days: number, daySeconds: number): string =>
  new Date(new Date(from).getTime() + Math.round(days * daySeconds * 1000)).toISOString();

export const daysBetween = (from: string, to: string, daySeconds: number): number =>
  (Date.parse(to) - Date.parse(from)) / (daySeconds * 1000);
