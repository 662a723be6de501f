import {
  ANNOTATION_SLO_FILES,
  getSloFileRefs,
} from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { CodeSnippet } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

/** The YAML a user adds to the entity's catalog-info.yaml to give it SLOs. */
export function sloAnnotationSnippet(entity: Entity): string {
  return [
    'metadata:',
    `  name: ${entity.metadata.name}`,
    '  annotations:',
    `    ${ANNOTATION_SLO_FILES}: slos.yaml`,
  ].join('\n');
}

/**
 * What the SLO card shows while the entity has no SLOs: exactly which annotation to add
 * (as a snippet to copy), or, when it is there, why no SLO was found in the files yet.
 */
export function SloEmptyState(props: { entity: Entity }) {
  const { entity } = props;
  const files = getSloFileRefs(entity);

  if (files.length > 0) {
    return (
      <Box data-testid="operability-slo-empty">
        <Typography variant="subtitle1" gutterBottom>
          No SLOs found yet
        </Typography>
        <Typography variant="body2" paragraph>
          This entity names {files.length === 1 ? 'the file' : 'the files'}{' '}
          <code>{files.join(', ')}</code> in <code>{ANNOTATION_SLO_FILES}</code>
          , but no SLO has been read from {files.length === 1 ? 'it' : 'them'}{' '}
          yet. Files are read again on every sync; check that they hold OpenSLO{' '}
          <code>kind: SLO</code> documents (or a Sloth{' '}
          <code>prometheus/v1</code> spec).
        </Typography>
      </Box>
    );
  }

  return (
    <Box data-testid="operability-slo-empty">
      <Typography variant="subtitle1" gutterBottom>
        No SLOs for this {entity.kind.toLocaleLowerCase('en-US')} yet
      </Typography>
      <Typography variant="body2" paragraph>
        Add the <code>{ANNOTATION_SLO_FILES}</code> annotation to its{' '}
        <code>catalog-info.yaml</code>, naming one or more OpenSLO or Sloth
        files (paths relative to catalog-info.yaml, or URLs, separated by
        commas):
      </Typography>
      <CodeSnippet
        text={sloAnnotationSnippet(entity)}
        language="yaml"
        showCopyCodeButton
      />
    </Box>
  );
}
