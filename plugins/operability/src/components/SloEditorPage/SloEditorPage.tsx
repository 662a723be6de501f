import {
  getSloFileRefs,
  operabilitySloWritePermission,
  toEntityRef,
  type SloDetailResponse,
} from '@airworthy/plugin-operability-common';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { Content, Header, Link, Page } from '@backstage/core-components';
import { NotFoundError } from '@backstage/errors';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  entityRouteRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState, type ReactNode } from 'react';
import {
  Route,
  Routes,
  useLocation,
  useNavigate,
  useParams,
  useSearchParams,
} from 'react-router-dom';
import { operabilityApiRef } from '../../api';
import { errorMessage } from '../../lib/errors';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import { newSloTemplate } from '../../lib/sloDocument';
import type { PeriodData } from '../../lib/sloPreview';
import { sloEditRouteRef } from '../../routes';
import { SloListPage } from '../SloListPage';
import { EntityPicker } from './EntityPicker';
import { RepoSloDefinition } from './RepoSloDefinition';
import { SloEditor } from './SloEditor';

function EditorPage(props: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Page themeId="tool">
      <Header title={props.title} subtitle={props.subtitle} />
      <Content>{props.children}</Content>
    </Page>
  );
}

/** A link to an entity's page, or its name where the catalog's entity page is not mounted. */
function EntityLink(props: { entityRef: string; inline?: boolean }) {
  const entityLink = useOptionalRouteRef(entityRouteRef);
  const ref = parseEntityRef(props.entityRef);
  const label = humanizeEntityRef(ref);
  return entityLink ? (
    <Link
      to={entityLink({
        kind: ref.kind.toLocaleLowerCase('en-US'),
        namespace: ref.namespace,
        name: ref.name,
      })}
      // In the page header: the header's own (readable) color, underlined as a link.
      style={
        props.inline
          ? undefined
          : { color: 'inherit', textDecoration: 'underline' }
      }
    >
      {label}
    </Link>
  ) : (
    <>{label}</>
  );
}

/** Asks for the entity of a new SLO (from the catalog) when the link did not name one. */
function ChooseEntity(props: { error?: string }) {
  const [, setSearchParams] = useSearchParams();
  return (
    <Box maxWidth={560}>
      <Typography variant="body1" paragraph>
        Which entity is the SLO for? (Open an entity's page and use "New SLO" on
        its SLO card to come here with it chosen.)
      </Typography>
      <EntityPicker
        error={props.error}
        onChange={entityRef => {
          if (entityRef) setSearchParams({ entity: entityRef });
        }}
      />
    </Box>
  );
}

function CreateSlo() {
  const [searchParams] = useSearchParams();
  const entityParam = searchParams.get('entity');
  const catalogApi = useApi(catalogApiRef);
  const api = useApi(operabilityApiRef);
  const navigate = useNavigate();
  const editLink = useOptionalRouteRef(sloEditRouteRef);

  let entityRef: string | undefined;
  let refError: string | undefined;
  if (entityParam) {
    try {
      entityRef = toEntityRef(entityParam, { defaultKind: 'component' });
    } catch {
      refError = `"${entityParam}" is not an entity reference such as component:default/jupyterhub`;
    }
  }
  const entity = useAsyncContent(async (): Promise<Entity | undefined> => {
    if (!entityRef) return undefined;
    const found = await catalogApi.getEntityByRef(entityRef);
    if (!found) {
      throw new NotFoundError(
        `No entity ${entityRef} in the catalog (or you may not read it): choose another`,
      );
    }
    return found;
  }, [catalogApi, entityRef]);

  let body: ReactNode;
  if (!entityParam) {
    body = <ChooseEntity />;
  } else if (refError) {
    body = <ChooseEntity error={refError} />;
  } else if (entityRef) {
    const ref = entityRef;
    body = entity.render(
      value => (
        <SloEditor
          entityRef={ref}
          initialYaml={newSloTemplate({
            name: value.metadata.name,
            title: value.metadata.title,
          })}
          management="api"
          allowManagementChoice
          sloFiles={getSloFileRefs(value)}
          saveLabel="Create SLO"
          onSave={async yaml => {
            const { items } = await api.createSlos(ref, yaml);
            if (editLink && items[0]) {
              navigate(editLink({ sloId: items[0].id }), {
                state: { created: true },
              });
            }
          }}
        />
      ),
      {
        // An entity that is not in the catalog: choose one that is.
        renderError: e =>
          e instanceof NotFoundError ? (
            <ChooseEntity error={e.message} />
          ) : undefined,
      },
    );
  }
  return (
    <EditorPage
      title="New SLO"
      subtitle={entityRef ? <EntityLink entityRef={entityRef} /> : undefined}
    >
      {body}
    </EditorPage>
  );
}

function periodData(slo: SloDetailResponse): PeriodData | undefined {
  const budget = slo.budget;
  if (!budget || budget.total <= 0) return undefined;
  return {
    from: budget.from,
    to: budget.to,
    good: budget.good,
    total: budget.total,
    period: slo.period,
  };
}

function DeleteSlo(props: { slo: SloDetailResponse; onDeleted: () => void }) {
  const api = useApi(operabilityApiRef);
  const permission = usePermission({
    permission: operabilitySloWritePermission,
    resourceRef: props.slo.entityRef,
  });
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const name = props.slo.displayName ?? props.slo.name;
  return (
    <>
      <Button
        variant="outlined"
        disabled={!permission.allowed}
        onClick={() => setOpen(true)}
      >
        Delete
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        aria-labelledby="slo-delete-title"
      >
        <DialogTitle id="slo-delete-title">Delete {name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            The SLO, all its objectives and their evaluations are deleted from
            Backstage. Its SLI data stays until retention expires it.
          </DialogContentText>
          {error && <Alert severity="error">{error}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            color="secondary"
            variant="contained"
            onClick={async () => {
              try {
                await api.deleteSlo(props.slo.id);
                setOpen(false);
                props.onDeleted();
              } catch (e) {
                setError(errorMessage(e));
              }
            }}
          >
            Delete SLO
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

function EditSlo() {
  const { sloId = '' } = useParams();
  const api = useApi(operabilityApiRef);
  const navigate = useNavigate();
  const editLink = useOptionalRouteRef(sloEditRouteRef);
  const entityLink = useOptionalRouteRef(entityRouteRef);
  const [deleted, setDeleted] = useState(false);
  const [drafting, setDrafting] = useState(false);
  const created = Boolean(
    (useLocation().state as { created?: boolean } | null)?.created,
  );
  const loaded = useAsyncContent(async () => {
    const [slo, yaml] = await Promise.all([
      api.getSlo(sloId),
      api.exportSlo(sloId),
    ]);
    return { slo, yaml };
  }, [api, sloId]);

  if (loaded.loading || !loaded.value) {
    // The progress bar, then the error: the load returns an SLO or fails.
    return <EditorPage title="SLO">{loaded.render(() => null)}</EditorPage>;
  }
  const { slo, yaml } = loaded.value;
  const ref = parseEntityRef(slo.entityRef);
  return (
    <EditorPage
      title={slo.displayName ?? slo.name}
      subtitle={<EntityLink entityRef={slo.entityRef} />}
    >
      {created && !deleted && (
        <Box mb={2}>
          <Alert severity="success">
            Created {slo.displayName ?? slo.name} for{' '}
            <EntityLink entityRef={slo.entityRef} inline />: its figures appear
            on the entity's SLO card once data arrives.
          </Alert>
        </Box>
      )}
      {deleted && (
        <Alert severity="success">
          Deleted {slo.displayName ?? slo.name} of {stringifyEntityRef(ref)}.
        </Alert>
      )}
      {!deleted && slo.source === 'repo' && !drafting && (
        <RepoSloDefinition
          yaml={yaml}
          definition={slo.definition}
          sourceLocation={slo.sourceLocation}
          data={periodData(slo)}
          onDraftChange={() => setDrafting(true)}
        />
      )}
      {!deleted && (slo.source === 'api' || drafting) && (
        <SloEditor
          key={slo.id}
          entityRef={slo.entityRef}
          initialYaml={yaml}
          management={slo.source}
          sourceLocation={slo.sourceLocation}
          data={periodData(slo)}
          onSave={async text => {
            const { items } = await api.updateSlo(slo.id, text);
            const same = items.find(item => item.id === slo.id);
            if (!same && items[0] && editLink) {
              navigate(editLink({ sloId: items[0].id }));
            }
          }}
          actions={
            slo.source === 'api' ? (
              <DeleteSlo
                slo={slo}
                onDeleted={() => {
                  if (entityLink) {
                    navigate(
                      entityLink({
                        kind: ref.kind.toLocaleLowerCase('en-US'),
                        namespace: ref.namespace,
                        name: ref.name,
                      }),
                    );
                  } else {
                    setDeleted(true);
                  }
                }}
              />
            ) : undefined
          }
        />
      )}
    </EditorPage>
  );
}

/**
 * The SLO editor: `new?entity=<ref>` creates an SLO, `<sloId>/edit` edits one (API SLOs) or
 * shows the YAML to commit (repository SLOs).
 * @public
 */
export function SloEditorPage() {
  return (
    <Routes>
      <Route path="new" element={<CreateSlo />} />
      <Route path=":sloId/edit" element={<EditSlo />} />
      <Route path="*" element={<SloListPage />} />
    </Routes>
  );
}
