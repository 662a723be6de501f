import { makeStyles } from '@material-ui/core';
import { AirworthyMark } from './LogoIcon';

const useStyles = makeStyles({
  root: { display: 'flex', alignItems: 'center', gap: 8, height: 30 },
  mark: { height: 30, width: 'auto' },
  name: {
    color: '#ffffff',
    fontSize: 22,
    fontWeight: 700,
    letterSpacing: 0.3,
    whiteSpace: 'nowrap',
  },
});

/** The demo app's name and mark, for the open sidebar. */
export const LogoFull = () => {
  const classes = useStyles();
  return (
    <span className={classes.root}>
      <AirworthyMark className={classes.mark} />
      <span className={classes.name}>Airworthy</span>
    </span>
  );
};
