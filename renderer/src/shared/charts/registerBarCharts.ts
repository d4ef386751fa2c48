// Chart.js is tree-shaken: only what bar charts draw is registered (registering twice is harmless).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(CategoryScale, LinearScale, BarController, BarElement, Tooltip, Legend);
