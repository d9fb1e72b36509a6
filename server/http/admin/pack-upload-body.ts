import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { SiltaError } from '../../errors';
import { PACK_UPLOAD_MAX_BYTES } from '../../domain/modules/authoring/pack-zip';

/** A file posted to the console: its bytes, or `tooLarge` when it passed the limit (the rest was discarded). */
export type UploadedFile = { name: string; data: Buffer; tooLarge: boolean };

/** The file of a multipart console form, once `uploadBody` ran. */
export const uploadedFile = (res: Response): UploadedFile | undefined => res.locals.upload as UploadedFile | undefined;

/**
 * Parses a `multipart/form-data` console form (fields into `req.body`, one file into
 * `res.locals.upload`), only for a signed-in admin, before the CSRF check reads `_csrf` from the
 * fields. At most one file of PACK_UPLOAD_MAX_BYTES: past that the stream is drained and dropped
 * so the page can still answer next to the form.
 */
export function uploadBody(req: Request, res: Response, next: NextFunction) {
  if (req.method !== 'POST' || !req.is('multipart/form-data') || !req.user) return next();
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: { fileSize: PACK_UPLOAD_MAX_BYTES, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 30 },
    });
  } catch (error) {
    return next(new SiltaError('validation_failed', 'bad_request', (error as Error).message));
  }
  const body: Record<string, string> = {};
  const chunks: Buffer[] = [];
  let file: UploadedFile | undefined;
  parser.on('field', (name, value) => {
    body[name] = value;
  });
  parser.on('file', (_field, stream, info) => {
    const current: UploadedFile = { name: info.filename ?? '', data: Buffer.alloc(0), tooLarge: false };
    file = current;
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('limit', () => {
      current.tooLarge = true;
      chunks.length = 0;
    });
  });
  parser.on('error', (error) => next(new SiltaError('validation_failed', 'bad_request', (error as Error).message)));
  parser.on('close', () => {
    if (file && !file.tooLarge) file.data = Buffer.concat(chunks);
    req.body = body;
    res.locals.upload = file;
    next();
  });
  req.pipe(parser);
}
