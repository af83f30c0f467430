import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { EVENT_TYPES } from '@pks/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('GET /api/v1/openapi.json', () => {
  let p: TestPlatform;
  let doc: any;
  beforeAll(async () => {
    p = await startTestPlatform();
    doc = (await p.get('/api/v1/openapi.json', { token: null })).body;
  });
  afterAll(async () => p.close());

  it('is a valid OpenAPI 3.0 document whose references all resolve', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice(8, -1).replace('#/components/schemas/', '');
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
  });

  it('documents every read model with its query parameters and every event type', () => {
    for (const path of ['/api/v1/gap-list', '/api/v1/performed-time', '/api/v1/staff-volume', '/api/v1/chppd', '/api/v1/schedule-vs-plan', '/api/v1/outcome-vs-plan', '/api/v1/staffing-overview']) {
      const get = doc.paths[path]?.get;
      expect(get, path).toBeDefined();
      const names = get.parameters.map((x: any) => x.name);
      expect(names, path).toEqual(expect.arrayContaining([path.endsWith('staffing-overview') ? 'poolId' : 'unitId', 'departmentId', 'minPosition']));
      expect(Object.keys(get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
      expect(get.security).toBeUndefined();
    }
    expect(doc.paths['/api/v1/gap-list'].get.parameters.map((x: any) => x.name)).toContain('week');
    expect(doc.paths['/api/v1/health'].get.security).toEqual([]);
    for (const type of EVENT_TYPES) expect(doc.components.schemas[`${type}Data`], type).toBeDefined();
    expect(doc.paths['/api/v1/events'].post.requestBody.content['application/json'].schema.items.oneOf).toHaveLength(EVENT_TYPES.length);
  });
});
