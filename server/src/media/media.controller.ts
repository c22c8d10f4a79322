import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPartialContentResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OptionalAuth, OptionalUser } from '../auth/access.decorators';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { AppConfig } from '../core/config/app-config';
import { ErrorDto } from '../core/http/error.dto';
import { contentDisposition } from './content-disposition';
import { MediaDto, MediaLinkQueryDto } from './dto/media.dto';
import { parseRange } from './media-range';
import { readUpload } from './media-upload';
import { RangeNotSatisfiableError } from './media.errors';
import { MediaService } from './media.service';
import { RequiresScope } from '../auth/api-key-scopes';

/** The upload route, which Nest's JSON and form body parsers must leave unread (see bootstrap). */
export const MEDIA_UPLOAD_ROUTE = 'media';

/** Types a browser may show in place; anything else is served as an attachment, never rendered from our origin. */
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp)|video\/\w+|audio\/\w+)\b/i;

@ApiTags('media')
@ApiUnauthorizedResponse({ type: ErrorDto })
@Controller()
export class MediaController {
  constructor(
    private readonly media: MediaService,
    private readonly config: AppConfig,
  ) {}

  @Post(MEDIA_UPLOAD_ROUTE)
  @RequiresScope('media:write')
  @ApiOperation({
    summary: 'Upload a file to send from any of your sessions: the multipart field `file`, or the raw body',
  })
  @ApiConsumes('multipart/form-data', 'application/octet-stream')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: MediaDto })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'Larger than MEDIA_MAX_BYTES; nothing was kept' })
  async upload(@CurrentUser() user: AuthUser, @Req() request: Request): Promise<MediaDto> {
    const upload = await readUpload(request, this.config.media.maxBytes);
    return MediaDto.from(await this.media.store({ ownerId: user.id, ...upload }));
  }

  @Get('media/:mediaId')
  @OptionalAuth()
  @RequiresScope('media:read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Download a file: with a signed link from a webhook, or as its owner; `Range` gives part of it',
    description:
      'A signed link needs no credentials. An API key limited to some sessions reaches the files those sessions ' +
      'received and its owner’s uploads.',
  })
  @ApiOkResponse({ description: 'The file', content: { 'application/octet-stream': {} } })
  @ApiPartialContentResponse({ description: 'The requested range' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'The signed link is altered or has expired' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such file, or not yours' })
  async download(
    @Param('mediaId', new ParseUUIDPipe({ version: '4' })) mediaId: string,
    @Query() query: MediaLinkQueryDto,
    @OptionalUser() user: AuthUser | undefined,
    @Headers('range') rangeHeader: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const file = await this.media.findAccessible(mediaId, { ownerId: user?.id, apiKey: user?.apiKey, ...query });
    let range;
    try {
      range = parseRange(rangeHeader, file.size);
    } catch (error) {
      if (error instanceof RangeNotSatisfiableError) response.setHeader('Content-Range', `bytes */${file.size}`);
      throw error;
    }
    const stream = await this.media.openStream(file.id, range);
    response.setHeader('Accept-Ranges', 'bytes');
    response.setHeader('Cache-Control', 'private, max-age=3600');
    if (range) {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    }
    const name = file.fileName ?? file.id;
    return new StreamableFile(stream, {
      type: file.mimetype,
      length: range ? range.end - range.start + 1 : file.size,
      disposition: contentDisposition(INLINE_TYPES.test(file.mimetype) ? 'inline' : 'attachment', name),
    });
  }
}
