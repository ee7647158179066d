import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { hash, verify } from '@node-rs/argon2';
import Redis from 'ioredis';
import { Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountEntity, REDIS } from '@app/persistence';
import { ProblemException, conflict, unauthorized } from '@app/common';
import { CurrentAccount, TokenPayload } from './auth.types';
import { LoginDto, RegisterDto } from './auth.dto';

const WRONG_CREDENTIALS = 'Adresse e-mail ou mot de passe incorrect';

@Injectable()
export class AuthService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthService.name);
  /** Verified against when the email is unknown, so both failures take the same time. */
  private decoyHash?: Promise<string>;

  constructor(
    @InjectRepository(AccountEntity) private readonly accounts: Repository<AccountEntity>,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ensureAdmin();
  }

  /** The admin account exists only through configuration (ADMIN_EMAIL / ADMIN_PASSWORD). */
  async ensureAdmin(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const existing = await this.accounts.findOneBy({ email: admin.email });
    const passwordHash = await hash(admin.password);
    if (!existing) {
      await this.accounts.insert({ email: admin.email, passwordHash, role: 'admin', displayName: 'Administrateur' });
      this.logger.log(`Admin account ${admin.email} created from configuration`);
    } else if (existing.role !== 'admin' || !(await verify(existing.passwordHash, admin.password))) {
      await this.accounts.update(existing.id, { role: 'admin', passwordHash });
    }
  }

  async register(dto: RegisterDto): Promise<AccountEntity> {
    const email = dto.email.trim().toLowerCase();
    if (await this.accounts.existsBy({ email })) throw conflict('Un compte existe déjà avec cette adresse e-mail', [{ field: 'email', message: 'déjà utilisée' }]);
    const passwordHash = await hash(dto.password);
    const result = await this.accounts.insert({ email, passwordHash, role: dto.role, displayName: dto.displayName.trim() });
    return this.accounts.findOneByOrFail({ id: result.identifiers[0].id as string });
  }

  async login(dto: LoginDto, clientIp: string): Promise<{ accessToken: string; tokenType: 'Bearer'; expiresIn: number; account: CurrentAccount }> {
    const email = dto.email.trim().toLowerCase();
    // Under the queue prefix: deployments (and test runs) sharing one Redis keep their own counters.
    const throttleKey = `${this.config.queuePrefix}:login-failures:${email}:${clientIp}`;
    await this.refuseWhenThrottled(throttleKey);
    const account = await this.accounts.findOneBy({ email });
    const valid = account ? await verify(account.passwordHash, dto.password) : await this.verifyDecoy(dto.password);
    if (!account || !valid) {
      await this.recordFailure(throttleKey);
      throw unauthorized(WRONG_CREDENTIALS);
    }
    await this.redis.del(throttleKey).catch(() => undefined);
    const current = toCurrentAccount(account);
    return { accessToken: await this.issueToken(current), tokenType: 'Bearer', expiresIn: this.config.jwtExpiresInSec, account: current };
  }

  issueToken(account: CurrentAccount): Promise<string> {
    const payload: TokenPayload = { sub: account.id, email: account.email, role: account.role, name: account.displayName };
    return this.jwt.signAsync(payload, { expiresIn: this.config.jwtExpiresInSec });
  }

  /** Returns the account a token names, or null when the token is invalid, expired or its account gone. */
  async verifyToken(token: string): Promise<CurrentAccount | null> {
    let payload: TokenPayload;
    try {
      payload = await this.jwt.verifyAsync<TokenPayload>(token);
    } catch {
      return null;
    }
    const account = await this.accounts.findOneBy({ id: payload.sub });
    return account ? toCurrentAccount(account) : null;
  }

  private async verifyDecoy(password: string): Promise<boolean> {
    this.decoyHash ??= hash('decoy password that nobody uses');
    await verify(await this.decoyHash, password);
    return false;
  }

  private async refuseWhenThrottled(key: string): Promise<void> {
    const failures = Number(await this.redis.get(key).catch(() => 0)) || 0;
    if (failures >= this.config.loginMaxFailures) {
      const ttl = await this.redis.ttl(key).catch(() => this.config.loginWindowSec);
      throw new ProblemException(429, `Trop de tentatives de connexion. Réessayez dans ${Math.max(1, Math.ceil(ttl / 60))} minute(s).`, undefined, {
        retryAfterSec: ttl,
      });
    }
  }

  private async recordFailure(key: string): Promise<void> {
    // Redis down must not block logins: the limit is then simply not enforced.
    await this.redis.multi().incr(key).expire(key, this.config.loginWindowSec).exec().catch(() => undefined);
  }
}

export function toCurrentAccount(account: AccountEntity): CurrentAccount {
  return { id: account.id, email: account.email, role: account.role, displayName: account.displayName };
}
