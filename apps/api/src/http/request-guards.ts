// Express middleware every request passes (pages, API, assets): security headers, and the refusal of input
// no field may hold — NUL characters, which PostgreSQL text cannot store, and JSON nested deep enough to
// overflow class-transformer's recursion. Errors go through ProblemFilter like every other.
import type { NextFunction, Request, Response } from 'express';
import { FieldError, badRequest } from '@app/common';

/** Deeper bodies are refused before validation; the deepest real body (tender → lots → work packages) is about 5. */
export const MAX_BODY_DEPTH = 32;

export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  // Only over HTTPS (directly or through the trusted proxy): browsers ignore it on plain HTTP anyway.
  if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  next();
}

/** Runs after the body parsers: 400 naming the field for a NUL anywhere, 400 for a body nested too deep. */
export function refuseHostileInput(req: Request, _res: Response, next: NextFunction): void {
  if (/%00|\u0000/i.test(req.path)) return next(badRequest('L’adresse demandée contient un caractère nul', [{ field: 'url', message: 'caractère nul (U+0000) interdit' }]));
  const problems = [...nulFields(req.query, ''), ...nulFields(req.body, '')];
  if (problems.length) return next(badRequest(`${problems.length} champ(s) invalide(s)`, problems));
  if (depthOf(req.body) > MAX_BODY_DEPTH) {
    return next(badRequest(`Corps de la requête trop profondément imbriqué (plus de ${MAX_BODY_DEPTH} niveaux)`, [{ field: 'body', message: 'imbrication trop profonde' }]));
  }
  next();
}

/** Fields (in the `lots[0].title` style of validation errors) whose key or text holds U+0000. Iterative: no recursion on hostile input. */
function nulFields(root: unknown, base: string): FieldError[] {
  const out: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: base, depth: 0 }];
  while (stack.length && out.length < 20) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) out.push({ field: path || 'body', message: 'caractère nul (U+0000) interdit' });
    } else if (value && typeof value === 'object' && depth <= MAX_BODY_DEPTH) {
      for (const [key, child] of Object.entries(value)) {
        const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) out.push({ field: childPath, message: 'caractère nul (U+0000) interdit dans un nom de champ' });
        else stack.push({ value: child, path: childPath, depth: depth + 1 });
      }
    }
  }
  return out;
}

/** Nesting depth of a parsed body (0 for a scalar), computed without recursion. */
export function depthOf(root: unknown): number {
  let max = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length) {
    const { value, depth } = stack.pop()!;
    if (!value || typeof value !== 'object') continue;
    if (depth + 1 > max) max = depth + 1;
    if (max > MAX_BODY_DEPTH) return max;
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return max;
}
