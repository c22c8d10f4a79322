import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'wago:isPublic';

/** Marks a route (or controller) that needs neither a token nor an API key. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
