import { gql, type TypedDocumentNode } from 'urql';

export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningHours {
  day: Weekday;
  opens: string;
  closes: string;
}

export interface BusinessCalendar {
  id: string;
  name: string;
  timeZone: string;
  hours: OpeningHours[];
  holidays: string[];
  version: number;
}

export interface SetBusinessCalendarInput {
  id: string;
  name: string;
  timeZone: string;
  hours: OpeningHours[];
  holidays: string[];
  expectedVersion?: number;
}

export const BusinessCalendars: TypedDocumentNode<{ businessCalendars: BusinessCalendar[] }, Record<string, never>> = gql`
  query BusinessCalendars {
    businessCalendars {
      id
      name
      timeZone
      hours {
        day
        opens
        closes
      }
      holidays
      version
    }
  }
`;

export const SetBusinessCalendar: TypedDocumentNode<{ setBusinessCalendar: BusinessCalendar }, { input: SetBusinessCalendarInput }> = gql`
  mutation SetBusinessCalendar($input: SetBusinessCalendarInput!) {
    setBusinessCalendar(input: $input) {
      id
      name
      timeZone
      hours {
        day
        opens
        closes
      }
      holidays
      version
    }
  }
`;
