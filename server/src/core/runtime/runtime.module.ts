// Time for every module: the clock is the one thing the runtime layer needs from dependency injection.
import { Global, Module } from '@nestjs/common';
import { Clock } from './clock';

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class RuntimeModule {}
