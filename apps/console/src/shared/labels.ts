// Enum values as people read them.
export const humanize = (value: string): string => value.charAt(0) + value.slice(1).toLowerCase().replaceAll('_', ' ');
