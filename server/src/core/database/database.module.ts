import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';

/** The TypeORM connection; migrations already ran (under a lock) before the app was created. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (!config.databaseUrl) throw new Error('DATABASE_URL was not resolved before boot');
        return { ...dataSourceOptions(config.databaseUrl), poolSize: 20 };
      },
    }),
  ],
})
export class DatabaseModule {}
