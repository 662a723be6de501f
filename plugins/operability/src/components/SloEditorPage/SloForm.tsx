import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState, type ReactNode } from 'react';
import { SLO_PHASES } from '@airworthy/plugin-operability-common';
import {
  SLO_FIELD_LABELS,
  type PlacedSloErrors,
  type SloFormField,
  type SloFormValues,
} from '../../lib/sloDocument';

type TextFieldName = {
  [K in SloFormField]: SloFormValues[K] extends string ? K : never;
}[SloFormField];

/** Hints shown under a field while it has no error. */
const HINTS: Partial<Record<SloFormField, string>> = {
  name: 'Lower-case letters, digits and "-" (RFC 1123), unique within the entity',
  service: 'The service the SLO belongs to (OpenSLO spec.service)',
  phase:
    'Enforcing: the deploy gate follows its error budget. Informing: shown, never blocks a release',
  period: 'The time window: 28d, 4w, 1M ...',
  target: 'Share of good events (or good slices) the SLO promises, e.g. 99.5',
  timeSliceTarget:
    'A slice is good when its good/total reaches this ratio, e.g. 0.95',
  timeSliceWindow: 'Length of a slice, e.g. 1m or 5m',
  calendarStartTime: 'Local start of a period: YYYY-MM-DD HH:mm:ss',
  calendarTimeZone: 'IANA time zone, e.g. UTC or Europe/Berlin',
  query: 'PromQL: a counter selector, or a rate over [{{.window}}]',
  totalQuery: 'PromQL of all events, in the same form as the events query',
  sourceType: 'The metric source type, e.g. Prometheus',
};

export interface SloFormProps {
  values: SloFormValues;
  errors: PlacedSloErrors['byField'];
  /** Why the indicator fields are read-only, if they are. */
  indicatorReadOnly?: string;
  disabled?: boolean;
  onChange: <F extends SloFormField>(field: F, value: SloFormValues[F]) => void;
}

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box component="fieldset" border={0} p={0} m={0} mb={3}>
      <Typography component="legend" variant="h6" gutterBottom>
        {props.title}
      </Typography>
      <Grid container spacing={2}>
        {props.children}
      </Grid>
    </Box>
  );
}

/**
 * A text field that shows what is being typed (a half-typed `99.` stays) while it has the
 * focus, and the value read back from the YAML otherwise.
 */
function DraftTextField(props: {
  field: TextFieldName;
  form: SloFormProps;
  multiline?: boolean;
  select?: string[];
  disabled?: boolean;
  monospace?: boolean;
  label?: string;
}) {
  const { field, form } = props;
  const [draft, setDraft] = useState<string | null>(null);
  const errors = form.errors[field];
  const id = `slo-field-${field}`;
  return (
    <TextField
      id={id}
      name={field}
      label={props.label ?? SLO_FIELD_LABELS[field]}
      value={draft ?? form.values[field]}
      error={Boolean(errors?.length)}
      helperText={errors?.length ? errors.join('; ') : HINTS[field]}
      disabled={form.disabled || props.disabled}
      multiline={props.multiline}
      minRows={props.multiline ? 2 : undefined}
      select={Boolean(props.select)}
      variant="outlined"
      size="small"
      fullWidth
      inputProps={{
        style: props.monospace ? { fontFamily: 'monospace' } : undefined,
        'aria-describedby': `${id}-helper-text`,
      }}
      onFocus={() => setDraft(form.values[field])}
      onBlur={() => setDraft(null)}
      onChange={event => {
        const value = event.target.value;
        if (!props.select) setDraft(value);
        form.onChange(field, value);
      }}
    >
      {props.select?.map(option => (
        <MenuItem key={option} value={option}>
          {option}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** The SLO form: a view of the fields of the YAML's SLO document. */
export function SloForm(props: SloFormProps) {
  const { values, indicatorReadOnly } = props;
  const timeslices = values.budgetingMethod !== 'Occurrences';
  const switchField = (
    field: 'rolling' | 'counter',
    label: string,
    disabled?: boolean,
  ) => (
    <>
      <FormControlLabel
        control={
          <Switch
            checked={values[field]}
            disabled={props.disabled || disabled}
            onChange={event => props.onChange(field, event.target.checked)}
            color="primary"
            name={field}
          />
        }
        label={label}
      />
      {props.errors[field]?.length ? (
        <Typography variant="caption" color="error" component="div">
          {props.errors[field]!.join('; ')}
        </Typography>
      ) : null}
    </>
  );

  return (
    <form onSubmit={e => e.preventDefault()} aria-label="SLO form">
      <Section title="SLO">
        <Grid item xs={12} md={6}>
          <DraftTextField field="name" form={props} />
        </Grid>
        <Grid item xs={12} md={6}>
          <DraftTextField field="displayName" form={props} />
        </Grid>
        <Grid item xs={12} md={6}>
          <DraftTextField field="service" form={props} />
        </Grid>
        <Grid item xs={12} md={6}>
          <DraftTextField
            field="phase"
            form={props}
            select={
              (SLO_PHASES as readonly string[]).includes(values.phase)
                ? [...SLO_PHASES]
                : [...SLO_PHASES, values.phase]
            }
          />
        </Grid>
        <Grid item xs={12}>
          <DraftTextField field="description" form={props} multiline />
        </Grid>
      </Section>

      <Section title="Objective">
        <Grid item xs={12} sm={4}>
          <DraftTextField field="target" form={props} />
        </Grid>
        <Grid item xs={12} sm={4}>
          <DraftTextField field="period" form={props} />
        </Grid>
        <Grid item xs={12} sm={4}>
          <DraftTextField
            field="budgetingMethod"
            form={props}
            select={['Occurrences', 'Timeslices', 'RatioTimeslices']}
          />
        </Grid>
        {timeslices && (
          <>
            {values.budgetingMethod === 'Timeslices' && (
              <Grid item xs={12} sm={6}>
                <DraftTextField field="timeSliceTarget" form={props} />
              </Grid>
            )}
            <Grid item xs={12} sm={6}>
              <DraftTextField field="timeSliceWindow" form={props} />
            </Grid>
          </>
        )}
        <Grid item xs={12}>
          {switchField(
            'rolling',
            values.rolling
              ? 'Rolling window (the last period, moving)'
              : 'Calendar window (periods start at a fixed time)',
          )}
        </Grid>
        {!values.rolling && (
          <>
            <Grid item xs={12} sm={6}>
              <DraftTextField field="calendarStartTime" form={props} />
            </Grid>
            <Grid item xs={12} sm={6}>
              <DraftTextField field="calendarTimeZone" form={props} />
            </Grid>
          </>
        )}
      </Section>

      <Section title="Indicator">
        {indicatorReadOnly && (
          <Grid item xs={12}>
            <Typography variant="body2" color="textSecondary">
              {indicatorReadOnly}
            </Typography>
          </Grid>
        )}
        <Grid item xs={12} sm={4}>
          <TextField
            id="slo-field-events"
            select
            label={SLO_FIELD_LABELS.events}
            value={values.events}
            disabled={props.disabled || Boolean(indicatorReadOnly)}
            onChange={event =>
              props.onChange('events', event.target.value as 'good' | 'bad')
            }
            variant="outlined"
            size="small"
            fullWidth
            error={Boolean(props.errors.events?.length)}
            helperText={props.errors.events?.join('; ')}
          >
            <MenuItem value="good">Good events / total</MenuItem>
            <MenuItem value="bad">Bad events / total</MenuItem>
          </TextField>
        </Grid>
        <Grid item xs={12} sm={4}>
          <DraftTextField
            field="sourceType"
            form={props}
            disabled={Boolean(indicatorReadOnly)}
          />
        </Grid>
        <Grid item xs={12} sm={4}>
          {switchField(
            'counter',
            SLO_FIELD_LABELS.counter,
            Boolean(indicatorReadOnly),
          )}
        </Grid>
        <Grid item xs={12}>
          <DraftTextField
            field="query"
            label={
              values.events === 'bad' ? 'Bad events query' : 'Good events query'
            }
            form={props}
            monospace
            multiline
            disabled={Boolean(indicatorReadOnly)}
          />
        </Grid>
        <Grid item xs={12}>
          <DraftTextField
            field="totalQuery"
            form={props}
            monospace
            multiline
            disabled={Boolean(indicatorReadOnly)}
          />
        </Grid>
      </Section>
    </form>
  );
}
