import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { Caller, Public } from './auth.guard';
import type { CurrentAccount } from './auth.types';
import { LoginDto, RegisterDto } from './auth.dto';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  async register(@Body() dto: RegisterDto) {
    const account = await this.auth.register(dto);
    return { id: account.id, email: account.email, role: account.role, displayName: account.displayName };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Req() request: Request) {
    const { accessToken, tokenType, expiresIn } = await this.auth.login(dto, request.ip ?? 'unknown');
    return { accessToken, tokenType, expiresIn };
  }

  @ApiBearerAuth()
  @Get('me')
  me(@Caller() account: CurrentAccount) {
    return account;
  }
}
