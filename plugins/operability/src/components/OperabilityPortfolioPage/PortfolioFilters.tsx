import { PORTFOLIO_GROUPINGS } from '@airworthy/plugin-operability-common';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import type { PortfolioFilter, PortfolioView } from '../../lib/portfolio';
import { MultiSelect } from '../common';
import { ListFilter } from './ListFilter';

const KINDS = ['component', 'system', 'resource', 'api'] as const;

const TEXT_FILTERS: Array<[PortfolioFilter, string, string]> = [
  ['owner', 'Owner', 'group:default/sre, ...'],
  ['system', 'System', 'odh, ...'],
  ['domain', 'Domain', 'data-science, ...'],
  ['tag', 'Tag', 'python, ...'],
];

/** The portfolio's filters (owner, system, domain, tag, level, kind) and its grouping. */
export function PortfolioFilters(props: {
  view: PortfolioView;
  /** The levels of the score model, to filter by. */
  levelIds: string[];
  onChange: (next: Partial<PortfolioView>) => void;
}) {
  const { view, onChange } = props;
  const setFilter = (filter: PortfolioFilter, value: string[]) =>
    onChange({ filters: { ...view.filters, [filter]: value } });
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      style={{ gap: 8 }}
      mb={2}
      component="form"
      aria-label="Filters"
      onSubmit={(e: { preventDefault(): void }) => e.preventDefault()}
    >
      {TEXT_FILTERS.map(([filter, label, placeholder]) => (
        <ListFilter
          key={filter}
          label={label}
          placeholder={placeholder}
          value={view.filters[filter]}
          onChange={v => setFilter(filter, v)}
        />
      ))}
      <MultiSelect
        label="Level"
        options={props.levelIds}
        value={view.filters.level}
        onChange={v => setFilter('level', v)}
      />
      <MultiSelect
        label="Kind"
        options={KINDS}
        value={view.filters.kind as Array<(typeof KINDS)[number]>}
        onChange={v => setFilter('kind', v)}
      />
      <TextField
        id="operability-portfolio-group-by"
        select
        variant="outlined"
        size="small"
        label="Group by"
        value={view.groupBy ?? ''}
        onChange={e =>
          onChange({
            groupBy: (e.target.value || undefined) as PortfolioView['groupBy'],
          })
        }
        style={{ minWidth: 140 }}
      >
        <MenuItem value="">nothing</MenuItem>
        {PORTFOLIO_GROUPINGS.map(g => (
          <MenuItem key={g} value={g}>
            {g}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}
