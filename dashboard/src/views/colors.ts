// One palette for every chart, so "limit" and "read/write" look the same everywhere.
export const COLORS = {
  primary: '#3b82f6',
  secondary: '#10b981',
  tertiary: '#f59e0b',
  limit: '#ef4444',
  muted: '#8b5cf6',
} as const;
