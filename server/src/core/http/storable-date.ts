import { MinDate } from 'class-validator';

/** JavaScript dates reach back 270,000 years, Postgres timestamps only to 4713 BC: older ones would be a 500. */
const EARLIEST_DATE = new Date('0001-01-01T00:00:00Z');

/** A date query or body field Postgres can store and compare. */
export const IsStorableDate = (property: string): PropertyDecorator =>
  MinDate(EARLIEST_DATE, { message: `${property} must not be before year 1` });
