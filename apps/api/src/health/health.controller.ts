import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type pg from 'pg';
import { DATABASE_POOL } from '#libs/application';
import { isReachable } from '#libs/postgres';
import { countParkedEvents } from '#libs/projections';

interface Health {
  status: 'ok' | 'degraded' | 'unavailable';
  database: 'up' | 'down';
  /** Events each projection could not apply and set aside ('ledger projections parked'). */
  parkedEvents?: Record<string, number>;
}

@Controller('health')
export class HealthController {
  constructor(@Inject(DATABASE_POOL) private readonly pool: pg.Pool) {}

  /** 200 ok; 200 degraded while a projection has parked events (it serves, but a view lacks them); 503 without the database. */
  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) response: FastifyReply): Promise<Health> {
    if (!(await isReachable(this.pool))) {
      void response.status(503);
      return { status: 'unavailable', database: 'down' };
    }
    const parkedEvents = await countParkedEvents(this.pool).catch(() => ({}));
    return Object.keys(parkedEvents).length > 0 ? { status: 'degraded', database: 'up', parkedEvents } : { status: 'ok', database: 'up' };
  }
}
