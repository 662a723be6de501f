import { entityPath, entityRouteParamsSchema, toEntityRef } from './entityRefs';

describe('entity refs', () => {
  it('builds canonical lower-case refs from strings and compound refs', () => {
    expect(toEntityRef('Component:Default/JupyterHub')).toBe(
      'component:default/jupyterhub',
    );
    expect(
      toEntityRef({ kind: 'Component', namespace: 'default', name: 'Thanos' }),
    ).toBe('component:default/thanos');
    expect(
      toEntityRef('trino', {
        defaultKind: 'component',
        defaultNamespace: 'default',
      }),
    ).toBe('component:default/trino');
  });

  it('builds URL paths with each segment encoded', () => {
    expect(entityPath('component:default/jupyterhub')).toBe(
      'entities/component/default/jupyterhub',
    );
    expect(
      entityPath({ kind: 'Component', namespace: 'a-b', name: 'x.y_z' }),
    ).toBe('entities/component/a-b/x.y_z');
  });

  it('accepts valid route params and rejects malformed ones with a message per field', () => {
    expect(
      entityRouteParamsSchema.safeParse({
        kind: 'component',
        namespace: 'default',
        name: 'a.b-c',
      }).success,
    ).toBe(true);
    const bad = entityRouteParamsSchema.safeParse({
      kind: 'comp onent',
      namespace: '-x',
      name: 'a'.repeat(64),
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map(i => i.path.join('.'))).toEqual([
      'kind',
      'namespace',
      'name',
    ]);
  });
});
