import type { Slo } from '@airworthy/plugin-operability-common';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { describeSourceLocation } from '../../lib/sloDocument';
import type { PeriodData } from '../../lib/sloPreview';
import { SloPreviewPanel } from './SloPreviewPanel';

/**
 * The definition of an SLO read from a file of its entity's repository, read-only: where it
 * is (a link to the file when the API names a URL), the YAML and the preview. Changes are
 * commits to that file; "Draft a change" opens the editor, which gives the YAML to commit.
 */
export function RepoSloDefinition(props: {
  /** The OpenSLO YAML the API exports. */
  yaml: string;
  /** The objective as Backstage read it, for the preview. */
  definition: Slo;
  sourceLocation?: string;
  data?: PeriodData;
  onDraftChange: () => void;
}) {
  const source = describeSourceLocation(props.sourceLocation);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} lg={7}>
        <InfoCard title="Definition" subheader="Read-only: kept in a file">
          <Typography variant="body2" paragraph>
            {source.url ? (
              <>
                This SLO is defined in <code>{source.fileName}</code> in the
                entity's repository. Backstage reads it from there; change it
                with a commit to that file.
              </>
            ) : (
              <>
                This SLO is defined in <code>{source.fileName}</code>, a file
                the Backstage server reads from its own disk (a local catalog,
                such as the demo's): there is no repository page to link to.
                Change it in that file.
              </>
            )}
          </Typography>
          <Box display="flex" flexWrap="wrap" style={{ gap: 8 }} mb={2}>
            {source.url && (
              <Button
                variant="contained"
                color="primary"
                href={source.url}
                target="_blank"
                rel="noopener noreferrer"
                endIcon={<OpenInNewIcon fontSize="small" />}
              >
                Open the file in its repository
              </Button>
            )}
            <Button variant="outlined" onClick={props.onDraftChange}>
              Draft a change
            </Button>
          </Box>
          <Typography variant="caption" color="textSecondary" paragraph>
            The definition as Backstage read it, in OpenSLO YAML (data sources'
            connection details are left out: they may hold credentials).
          </Typography>
          <CodeSnippet
            text={props.yaml}
            language="yaml"
            showLineNumbers
            showCopyCodeButton
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={5}>
        <SloPreviewPanel
          slos={[props.definition]}
          stale={false}
          data={props.data}
        />
      </Grid>
    </Grid>
  );
}
