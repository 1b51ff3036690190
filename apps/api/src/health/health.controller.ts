import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type pg from 'pg';
import { DATABASE_POOL } from '#libs/application';
import { isReachable } from '#libs/postgres';

@Controller('health')
export class HealthController {
  constructor(@Inject(DATABASE_POOL) private readonly pool: pg.Pool) {}

  @Get()
  @HttpCode(200)
  async health(@Res({ passthrough: true }) response: FastifyReply): Promise<{ status: string; database: string }> {
    const up = await isReachable(this.pool);
    if (!up) void response.status(503);
    return { status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' };
  }
}
