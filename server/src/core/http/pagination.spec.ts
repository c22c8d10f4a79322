import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEFAULT_PAGE_LIMIT, PaginationQueryDto } from './pagination';

function parse(query: Record<string, string>): { value: PaginationQueryDto; errors: string[] } {
  const value = plainToInstance(PaginationQueryDto, query);
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: true }).map((error) => error.property);
  return { value, errors };
}

describe('PaginationQueryDto', () => {
  it('defaults to the first page of 50 items', () => {
    const { value, errors } = parse({});
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ limit: DEFAULT_PAGE_LIMIT, offset: 0 });
  });

  it('turns query strings into numbers', () => {
    const { value, errors } = parse({ limit: '200', offset: '10' });
    expect(errors).toEqual([]);
    expect(value).toMatchObject({ limit: 200, offset: 10 });
  });

  it.each([
    [{ limit: '201' }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
  ])('rejects %j', (query, property) => {
    expect(parse(query).errors).toEqual([property]);
  });
});
