import {
  ANNOTATION_SLO_FILES,
  operabilitySloWritePermission,
  parseSloYaml,
  type Slo,
  type SloValidationError,
} from '@airworthy/plugin-operability-common';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../../lib/errors';
import { errorLocation } from '../../lib/sloCard';
import {
  applySloFormChange,
  describeSourceLocation,
  placeSloErrors,
  readSloDocument,
  SloDocumentShapeError,
  type SloFormField,
  type SloFormValues,
} from '../../lib/sloDocument';
import type { PeriodData } from '../../lib/sloPreview';
import { SafeLink } from '../common';
import { SloForm } from './SloForm';
import { SloPreviewPanel } from './SloPreviewPanel';

/** Where an SLO's definition is kept. */
export type SloManagement = 'api' | 'repo';

/** Name of the editor's text in engine messages. */
const EDITOR_FILE = 'slo.yaml';

export interface SloEditorProps {
  /** The entity the SLO belongs to. */
  entityRef: string;
  initialYaml: string;
  /**
   * `api`: saved through the API (permission permitting); `repo`: defined in a file of the
   * entity's repository, so the editor shows the YAML to commit.
   */
  management: SloManagement;
  /** Offer the choice between the two (new SLOs). */
  allowManagementChoice?: boolean;
  /** Repo SLOs: the file the SLO is read from. */
  sourceLocation?: string;
  /** Repo SLOs of a new definition: the entity's SLO files annotation, if any. */
  sloFiles?: string[];
  /** SLI data of the last period, for the preview. */
  data?: PeriodData;
  saveLabel?: string;
  /** Saves the YAML (through the API); rejects with the server's error. */
  onSave?: (yaml: string) => Promise<void>;
  /** Extra actions next to Save (e.g. Delete). */
  actions?: ReactNode;
}

/**
 * The banner's sentence: `2 problems in the definition: 1 of them is shown at its field; the
 * others:` (`atFields` of the `problems` are shown at their fields).
 */
function problemsSummary(problems: number, atFields: number): string {
  const count = problems === 1 ? '1 problem' : `${problems} problems`;
  if (atFields === 0) return `${count} in the definition`;
  let which: string;
  if (atFields === problems) which = problems === 1 ? 'it is' : 'all are';
  else which = `${atFields} of them ${atFields === 1 ? 'is' : 'are'}`;
  const where = atFields === 1 ? 'its field' : 'their fields';
  const rest = atFields < problems ? '; the others:' : '.';
  return `${count} in the definition: ${which} shown at ${where}${rest}`;
}

function describeError(error: SloValidationError): string {
  const where = errorLocation(error);
  return where ? `${where}: ${error.message}` : error.message;
}

function RepoInstructions(props: {
  yaml: string;
  entityRef: string;
  sourceLocation?: string;
  sloFiles?: string[];
}) {
  const source = props.sourceLocation
    ? describeSourceLocation(props.sourceLocation)
    : undefined;
  const file = props.sloFiles?.[0];
  return (
    <InfoCard title="YAML to commit">
      <Typography variant="body2" paragraph>
        {source ? (
          <>
            This SLO is defined in{' '}
            {source.url ? (
              <SafeLink href={source.url}>
                <code>{source.fileName}</code>
              </SafeLink>
            ) : (
              <code>{source.fileName}</code>
            )}{' '}
            {source.url
              ? "in the entity's repository"
              : "on the Backstage server's disk"}
            : Backstage reads it from there and does not save changes. Commit
            this YAML to that file; the SLO is updated on the next sync.
          </>
        ) : (
          <>
            Commit this YAML to {file ? <code>{file}</code> : 'a file'} in the
            entity's repository; Backstage reads it on the next sync.
          </>
        )}
      </Typography>
      {!props.sourceLocation && !props.sloFiles?.length && (
        <>
          <Typography variant="body2" paragraph>
            Then name the file in the entity's <code>catalog-info.yaml</code>:
          </Typography>
          <CodeSnippet
            text={`metadata:\n  annotations:\n    ${ANNOTATION_SLO_FILES}: slos.yaml`}
            language="yaml"
            showCopyCodeButton
          />
        </>
      )}
      <CodeSnippet text={props.yaml} language="yaml" showCopyCodeButton />
    </InfoCard>
  );
}

/** Says before the form is filled, not after, when the user may not save it. */
function PermissionNotice(props: { entityRef: string }) {
  const permission = usePermission({
    permission: operabilitySloWritePermission,
    resourceRef: props.entityRef,
  });
  if (permission.loading || permission.allowed) return null;
  return (
    <Alert severity="info">
      You may not change the SLOs of {props.entityRef}: saving needs the
      permission {operabilitySloWritePermission.name} on it (its owners have
      it). You can still fill in the form and copy the YAML for an owner to
      apply.
    </Alert>
  );
}

function SaveBar(props: {
  entityRef: string;
  problems: number;
  label: string;
  onSave: () => Promise<void>;
  actions?: ReactNode;
}) {
  const permission = usePermission({
    permission: operabilitySloWritePermission,
    resourceRef: props.entityRef,
  });
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<
    { ok: true } | { ok: false; message: string } | undefined
  >();

  let reason: string | undefined;
  if (permission.loading) {
    reason = 'Checking your permission…';
  } else if (!permission.allowed) {
    reason = `Saving needs the permission ${operabilitySloWritePermission.name} on this entity (see the note at the top).`;
  } else if (props.problems > 0) {
    reason = `Fix the ${
      props.problems === 1 ? 'problem' : `${props.problems} problems`
    } above to save.`;
  } else if (saving) {
    reason = 'Saving…';
  }

  return (
    <Box mt={2}>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Button
          variant="contained"
          color="primary"
          disabled={reason !== undefined}
          aria-describedby={reason ? 'slo-save-reason' : undefined}
          onClick={async () => {
            setSaving(true);
            setResult(undefined);
            try {
              await props.onSave();
              setResult({ ok: true });
            } catch (e) {
              setResult({
                ok: false,
                message: errorMessage(e),
              });
            } finally {
              setSaving(false);
            }
          }}
        >
          {props.label}
        </Button>
        {props.actions}
      </Box>
      {reason && (
        <Typography
          id="slo-save-reason"
          variant="body2"
          color="textSecondary"
          style={{ marginTop: 8 }}
        >
          {reason}
        </Typography>
      )}
      {result?.ok && (
        <Alert severity="success" style={{ marginTop: 8 }}>
          Saved.
        </Alert>
      )}
      {result && !result.ok && (
        <Alert severity="error" style={{ marginTop: 8 }}>
          The SLO was not saved: {result.message}
        </Alert>
      )}
    </Box>
  );
}

/**
 * The SLO editor: a form and a YAML view of the same text, the engine's validation at the
 * fields, a live preview, and Save (or, for repo-managed SLOs, the YAML to commit).
 */
export function SloEditor(props: SloEditorProps) {
  const [yaml, setYaml] = useState(props.initialYaml);
  const [view, setView] = useState<'form' | 'yaml'>('form');
  const [management, setManagement] = useState<SloManagement>(props.management);
  const [shapeError, setShapeError] = useState<string | undefined>();

  const state = useMemo(() => readSloDocument(yaml), [yaml]);
  const parsed = useMemo(() => parseSloYaml(yaml, EDITOR_FILE), [yaml]);
  const placed = useMemo(
    () => placeSloErrors(parsed.errors, state),
    [parsed.errors, state],
  );
  const formAvailable =
    state.syntaxErrors.length === 0 && state.sloDocument >= 0;

  const onFormChange = <F extends SloFormField>(
    field: F,
    value: SloFormValues[F],
  ) => {
    try {
      setYaml(applySloFormChange(yaml, field, value));
      setShapeError(undefined);
    } catch (e) {
      if (e instanceof SloDocumentShapeError) setShapeError(e.message);
      else throw e;
    }
  };

  // While the definition is invalid, the last valid one stays in the preview, marked stale.
  const lastValid = useRef<Slo[]>([]);
  if (parsed.errors.length === 0 && parsed.slos.length > 0) {
    lastValid.current = parsed.slos;
  }
  const previewed =
    parsed.errors.length > 0 && lastValid.current.length > 0
      ? { slos: lastValid.current, stale: true }
      : { slos: parsed.slos, stale: false };

  const problems = parsed.errors.length;
  // The form shows most messages at their fields; the YAML view lists them all.
  const listed = view === 'form' ? placed.other : parsed.errors;

  return (
    <Grid container spacing={3}>
      {management === 'api' && props.onSave && (
        <Grid item xs={12}>
          <PermissionNotice entityRef={props.entityRef} />
        </Grid>
      )}
      <Grid item xs={12} lg={7}>
        <Paper variant="outlined">
          <Tabs
            value={view}
            onChange={(_, v) => setView(v)}
            aria-label="Editor view"
            indicatorColor="primary"
          >
            <Tab
              value="form"
              label="Form"
              id="slo-tab-form"
              aria-controls="slo-panel"
            />
            <Tab
              value="yaml"
              label="YAML"
              id="slo-tab-yaml"
              aria-controls="slo-panel"
            />
          </Tabs>
          <Box
            p={2}
            id="slo-panel"
            role="tabpanel"
            aria-labelledby={`slo-tab-${view}`}
          >
            {problems > 0 && (
              <Alert severity="error" style={{ marginBottom: 16 }}>
                {problemsSummary(
                  problems,
                  view === 'form' ? problems - listed.length : 0,
                )}
                {listed.length > 0 && (
                  <ul style={{ margin: 0, paddingLeft: 20 }}>
                    {listed.map((e, i) => (
                      <li key={i}>{describeError(e)}</li>
                    ))}
                  </ul>
                )}
              </Alert>
            )}
            {shapeError && (
              <Alert severity="warning" style={{ marginBottom: 16 }}>
                {shapeError}
              </Alert>
            )}
            {view === 'form' && formAvailable && (
              <SloForm
                values={state.values}
                errors={placed.byField}
                indicatorReadOnly={state.indicatorReadOnly}
                onChange={onFormChange}
              />
            )}
            {view === 'form' && !formAvailable && (
              <Typography variant="body2">
                {state.syntaxErrors.length
                  ? 'The YAML has syntax errors: fix them in the YAML view to use the form.'
                  : 'The YAML has no OpenSLO SLO document (kind: SLO): the form edits one. Use the YAML view.'}
              </Typography>
            )}
            {view === 'yaml' && (
              <TextField
                id="slo-yaml"
                label="OpenSLO YAML"
                value={yaml}
                onChange={event => setYaml(event.target.value)}
                multiline
                minRows={24}
                fullWidth
                variant="outlined"
                inputProps={{
                  spellCheck: false,
                  style: { fontFamily: 'monospace', fontSize: 13 },
                }}
                helperText="OpenSLO v1 documents (SLO, and the SLI, DataSource and alert documents it refers to), separated by ---"
              />
            )}
          </Box>
        </Paper>

        {props.allowManagementChoice && (
          <Box mt={2}>
            <Typography
              variant="subtitle2"
              component="div"
              id="slo-management-label"
            >
              Where the definition lives
            </Typography>
            <RadioGroup
              row
              aria-labelledby="slo-management-label"
              value={management}
              onChange={(_, v) => setManagement(v as SloManagement)}
            >
              <FormControlLabel
                value="api"
                control={<Radio color="primary" />}
                label="In Backstage (saved through the API)"
              />
              <FormControlLabel
                value="repo"
                control={<Radio color="primary" />}
                label="In the entity's repository (GitOps)"
              />
            </RadioGroup>
          </Box>
        )}

        {management === 'api' && props.onSave ? (
          <SaveBar
            entityRef={props.entityRef}
            problems={problems}
            label={props.saveLabel ?? 'Save'}
            onSave={() => props.onSave!(yaml)}
            actions={props.actions}
          />
        ) : (
          <Box mt={2}>
            <RepoInstructions
              yaml={yaml}
              entityRef={props.entityRef}
              sourceLocation={props.sourceLocation}
              sloFiles={props.sloFiles}
            />
          </Box>
        )}
      </Grid>
      <Grid item xs={12} lg={5}>
        <SloPreviewPanel
          slos={previewed.slos}
          stale={previewed.stale}
          data={props.data}
        />
      </Grid>
    </Grid>
  );
}
