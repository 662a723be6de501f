import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { errorMessage } from '../../lib/errors';

/** The kinds an SLO is usually for; the picker offers entities of these kinds. */
export const SLO_ENTITY_KINDS = ['Component', 'Resource', 'System', 'API'];

/** At most this many suggestions: the user narrows them by typing. */
const SUGGESTIONS = 20;

/** An entity as the picker offers it. */
export interface EntityOption {
  ref: string;
  title: string;
  /** `component:default/jupyterhub`, shortened as the catalog shows refs. */
  detail: string;
}

function toOption(entity: Entity): EntityOption {
  const ref = stringifyEntityRef(entity);
  return {
    ref,
    title: entity.metadata.title ?? entity.metadata.name,
    detail: humanizeEntityRef(entity),
  };
}

/**
 * Picks a catalog entity by typing part of its name or title: suggestions come from the
 * catalog (entities of {@link SLO_ENTITY_KINDS} the user may read), by name.
 */
export function EntityPicker(props: {
  /** The entity ref chosen, if any. */
  value?: string;
  onChange: (entityRef: string | undefined) => void;
  error?: string;
  label?: string;
}) {
  const catalogApi = useApi(catalogApiRef);
  // What the user typed (not the label of the option chosen) is what the catalog searches.
  const [input, setInput] = useState('');
  const [typed, setTyped] = useState('');
  const [term, setTerm] = useState('');
  useDebounce(() => setTerm(typed.trim()), 250, [typed]);

  const suggestions = useAsync(async () => {
    const { items } = await catalogApi.queryEntities({
      filter: { kind: SLO_ENTITY_KINDS },
      fullTextFilter: term
        ? { term, fields: ['metadata.name', 'metadata.title'] }
        : undefined,
      orderFields: { field: 'metadata.name', order: 'asc' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
      limit: SUGGESTIONS,
    });
    return items.map(toOption);
  }, [catalogApi, term]);

  const chosen: EntityOption | null = props.value
    ? suggestions.value?.find(o => o.ref === props.value) ?? {
        ref: props.value,
        title: parseEntityRef(props.value).name,
        detail: humanizeEntityRef(parseEntityRef(props.value)),
      }
    : null;

  const helper =
    props.error ??
    (suggestions.error
      ? `Could not read the catalog: ${errorMessage(suggestions.error)}`
      : 'Type part of its name or title');

  return (
    <Autocomplete<EntityOption>
      id="slo-entity"
      options={suggestions.value ?? []}
      value={chosen}
      loading={suggestions.loading}
      // The catalog searches; until its answer arrives, the last one is narrowed here.
      getOptionLabel={option => `${option.title} (${option.detail})`}
      getOptionSelected={(option, value) => option.ref === value.ref}
      onChange={(_, option) => props.onChange(option?.ref)}
      inputValue={input}
      onInputChange={(_, value, reason) => {
        setInput(value);
        if (reason !== 'reset') setTyped(value);
      }}
      noOptionsText={
        suggestions.loading
          ? 'Searching the catalog…'
          : 'No component, resource, system or API of that name'
      }
      renderOption={option => (
        <div>
          <Typography variant="body2">{option.title}</Typography>
          <Typography variant="caption" color="textSecondary">
            {option.detail}
          </Typography>
        </div>
      )}
      renderInput={params => (
        <TextField
          {...params}
          label={props.label ?? 'Entity'}
          variant="outlined"
          size="small"
          error={Boolean(props.error || suggestions.error)}
          helperText={helper}
        />
      )}
      fullWidth
    />
  );
}
