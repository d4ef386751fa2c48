// Chart.js is tree-shaken: only the pieces the property page draws are registered, once.
import { CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Tooltip } from 'chart.js';

Chart.register(CategoryScale, LinearScale, PointElement, LineElement, LineController, ScatterController, Filler, Tooltip, Legend);
